package io.checkpass.server.web;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian ({@code chromium}, {@code chromium-driver}), started by path so Selenium Manager
 * never looks for, let alone downloads, a browser or a driver. A phone-sized window; optionally a fake camera that
 * plays a Y4M file (the browser reads the file each time a page opens the camera).
 */
final class Chromium {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /**
     * Waits up to 30 s for {@code condition} to give something other than null or false (a page finishes its
     * requests in its own time), reading through elements that are not there yet or were just redrawn.
     */
    static <T> T await(ChromeDriver driver, Supplier<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    T value = condition.get();
                    return Boolean.FALSE.equals(value) ? null : value;
                });
    }

    static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /**
     * @param profile an empty directory for the browser's profile (the caller deletes it after quitting)
     * @param camera  a Y4M file for the fake camera, or null for a browser without one
     */
    static ChromeDriver start(Path profile, Path camera) {
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=430,932",
                "--user-data-dir=" + profile));
        if (camera != null) {
            args.addAll(List.of(
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    "--use-file-for-fake-video-capture=" + camera,
                    "--autoplay-policy=no-user-gesture-required"));
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(args);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return driver;
    }
}
