package io.checkpass.bench.load.rush;

import java.time.LocalTime;

/**
 * The shape of a Korean lunch hour at the door, 11:00–14:00, as a fraction of the peak rate. Check-ins climb
 * from 11:00, peak from 12:00 to 12:30 (the half hour in which COOV and the Naver and Kakao QR check-ins failed on
 * 13 Dec 2021), and ebb after 13:00. The breakpoints are piecewise linear and are ours, drawn from the reported
 * timeline (failures 11:40–13:00) — no per-minute national data was published.
 */
final class LunchCurve {
    static final LocalTime START = LocalTime.of(11, 0);
    static final LocalTime END = LocalTime.of(14, 0);
    private static final double[][] POINTS = {
        {0, 0.10}, {30, 0.30}, {45, 0.60}, {60, 1.00}, {90, 1.00}, {105, 0.75}, {120, 0.50}, {150, 0.25}, {180, 0.10},
    };

    private LunchCurve() {}

    /** The fraction of the peak rate at {@code minutes} after 11:00 (0..180). */
    static double at(double minutes) {
        if (minutes <= 0) {
            return POINTS[0][1];
        }
        for (int i = 1; i < POINTS.length; i++) {
            if (minutes <= POINTS[i][0]) {
                double[] a = POINTS[i - 1];
                double[] b = POINTS[i];
                return a[1] + (b[1] - a[1]) * (minutes - a[0]) / (b[0] - a[0]);
            }
        }
        return POINTS[POINTS.length - 1][1];
    }

    /** The mean fraction over the whole three hours (for the total volume of a run). */
    static double mean() {
        double sum = 0;
        for (int m = 0; m < 180; m++) {
            sum += at(m + 0.5);
        }
        return sum / 180;
    }
}
