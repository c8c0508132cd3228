package io.checkpass.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core (npm, pinned in tools/browser/package-lock.json) run inside the page as it is now: WCAG 2.0-2.2 A and AA
 * and axe's best practices. The script is injected through the driver, which the pages' Content-Security-Policy does
 * not cover, so the pages need no exception for it.
 */
final class Axe {
    private static final Path SCRIPT = Path.of("..", "tools", "browser", "node_modules", "axe-core", "axe.min.js");
    private static String script;

    private Axe() {}

    private static synchronized String script() {
        if (script == null) {
            assertThat(SCRIPT)
                    .as("axe-core is installed by ./checkpass-test (npm ci --prefix tools/browser --omit=dev)")
                    .isRegularFile();
            try {
                script = Files.readString(SCRIPT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return script;
    }

    /** The violations on the page now, one line each: rule, impact, and the elements at fault. */
    @SuppressWarnings("unchecked")
    static List<String> violations(ChromeDriver page) {
        page.executeScript("if (!window.axe) { " + script() + " }");
        Object result = page.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'],
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
                  .then((r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): '
                      + v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', '))))
                  .catch((e) => done(['axe failed: ' + e]));
                """);
        return (List<String>) result;
    }
}
