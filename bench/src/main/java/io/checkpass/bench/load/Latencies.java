package io.checkpass.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latency histograms (HdrHistogram, microseconds) and status counts per endpoint. */
final class Latencies {
    private final ConcurrentHashMap<String, ConcurrentHistogram> histograms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> statuses = new ConcurrentHashMap<>();

    void record(String endpoint, int status, long nanos) {
        histograms
                .computeIfAbsent(endpoint + " " + status, k -> new ConcurrentHistogram(3_600_000_000L, 3))
                .recordValue(Math.max(1, nanos / 1000));
        statuses.computeIfAbsent(endpoint + " " + status, k -> new LongAdder()).increment();
    }

    long count(String endpoint, int status) {
        LongAdder adder = statuses.get(endpoint + " " + status);
        return adder == null ? 0 : adder.sum();
    }

    Histogram histogram(String endpoint, int status) {
        ConcurrentHistogram h = histograms.get(endpoint + " " + status);
        return h == null ? new Histogram(3) : h.copy();
    }

    Map<String, Long> counts() {
        var out = new TreeMap<String, Long>();
        statuses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    void reset() {
        histograms.clear();
        statuses.clear();
    }

    static String summary(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "n=0";
        }
        return "n=%d p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms"
                .formatted(
                        h.getTotalCount(),
                        h.getValueAtPercentile(50) / 1000.0,
                        h.getValueAtPercentile(99) / 1000.0,
                        h.getValueAtPercentile(99.9) / 1000.0,
                        h.getMaxValue() / 1000.0);
    }
}
