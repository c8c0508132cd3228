package io.checkpass.server.web;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * One still frame as a YUV4MPEG2 (4:2:0) video, the format Chromium's fake camera plays: the screenshot, centred
 * on white at 640×480, enlarged by a whole factor while it fits 440 pixels, as a phone held up to a tablet would look. Grey only (U = V =
 * 128); BT.601 full-range luma.
 */
final class Y4m {
    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    private Y4m() {}

    static void write(byte[] png, Path out) throws IOException {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        // Whole-number scaling only: uneven modules are what cameras (and jsQR) read worst.
        int scale = Math.max(1, 440 / Math.max(shot.getWidth(), shot.getHeight()));
        int w = shot.getWidth() * scale;
        int h = shot.getHeight() * scale;
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(shot, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h, null);
        g.dispose();
        byte[] yuv = new byte[WIDTH * HEIGHT * 3 / 2];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = frame.getRGB(x, y);
                int luma = (int)
                        Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff));
                yuv[y * WIDTH + x] = (byte) Math.min(255, luma);
            }
        }
        Arrays.fill(yuv, WIDTH * HEIGHT, yuv.length, (byte) 128);
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        try (OutputStream o = Files.newOutputStream(partial)) {
            o.write(("YUV4MPEG2 W" + WIDTH + " H" + HEIGHT + " F10:1 Ip A1:1 C420jpeg\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
            o.write(yuv);
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
