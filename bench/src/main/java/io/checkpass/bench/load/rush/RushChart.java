package io.checkpass.bench.load.rush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/** A self-contained HTML page with SVG charts of a run over time (no scripts, no external files). */
final class RushChart {
    private RushChart() {}

    record Series(String name, String colour, IntToDoubleFunction value) {}

    static void write(
            Path file,
            String title,
            int seconds,
            int outageFrom,
            int outageTo,
            List<List<Series>> panels,
            List<String> panelTitles,
            String summary)
            throws IOException {
        StringBuilder html = new StringBuilder("<!doctype html><meta charset=utf-8><title>")
                .append(escape(title))
                .append(
                        "</title><style>body{font-family:sans-serif;margin:24px}svg{background:#fff;border:1px solid #ccc}"
                                + "pre{background:#f6f6f6;padding:8px}</style><h1>")
                .append(escape(title))
                .append("</h1>");
        for (int p = 0; p < panels.size(); p++) {
            html.append("<h2>").append(escape(panelTitles.get(p))).append("</h2>");
            html.append(panel(panels.get(p), seconds, outageFrom, outageTo));
        }
        html.append("<h2>Summary</h2><pre>").append(escape(summary)).append("</pre>");
        Files.writeString(file, html);
    }

    private static String panel(List<Series> series, int seconds, int outageFrom, int outageTo) {
        int width = 900;
        int height = 220;
        int left = 60;
        double max = 1;
        for (Series s : series) {
            for (int t = 0; t < seconds; t++) {
                max = Math.max(max, s.value().applyAsDouble(t));
            }
        }
        double xScale = (width - left - 10) / (double) Math.max(1, seconds - 1);
        double yScale = (height - 30) / max;
        StringBuilder svg = new StringBuilder("<svg width=" + width + " height=" + height + ">");
        if (outageTo > outageFrom) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=%.1f y=0 width=%.1f height=%d fill='#fdd'/><text x=%.1f y=12 font-size=11>outage</text>",
                    left + outageFrom * xScale,
                    (outageTo - outageFrom) * xScale,
                    height - 20,
                    left + outageFrom * xScale + 2));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=2 y=14 font-size=11>%.0f</text><text x=2 y=%d font-size=11>0</text>",
                max,
                height - 20));
        for (int t = 0; t < seconds; t += Math.max(1, seconds / 10)) {
            svg.append(String.format(
                    Locale.ROOT, "<text x=%.1f y=%d font-size=10>%ds</text>", left + t * xScale, height - 4, t));
        }
        int legendX = left + 10;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int t = 0; t < seconds; t++) {
                points.append(String.format(
                        Locale.ROOT,
                        "%.1f,%.1f ",
                        left + t * xScale,
                        height - 20 - s.value().applyAsDouble(t) * yScale));
            }
            svg.append("<polyline fill=none stroke='")
                    .append(s.colour())
                    .append("' stroke-width=1.5 points='")
                    .append(points)
                    .append("'/>");
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=%d y=28 font-size=11 fill='%s'>%s</text>",
                    legendX,
                    s.colour(),
                    escape(s.name())));
            legendX += 14 + 7 * s.name().length();
        }
        return svg.append("</svg>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
