package io.checkpass.bench.load.rush;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a run measured: totals, per-endpoint latency histograms (whole run and per second), and a per-second
 * timeline for the chart.
 */
final class RushStats {
    static final int MAX_SECONDS = 3600;

    final long startedNanos = System.nanoTime();
    final LongAdder doorChecks = new LongAdder();
    final LongAdder doorFailuresDueToCentre = new LongAdder();
    final Map<String, LongAdder> verdicts = new ConcurrentHashMap<>();
    final LongAdder checkinsSent = new LongAdder();
    final LongAdder callsConfirmed = new LongAdder();
    final LongAdder callsFailed = new LongAdder();
    final LongAdder walletRefreshes = new LongAdder();
    final LongAdder walletRefreshFailures = new LongAdder();
    /** HTTP answers in the 5xx range other than 503: the server failing rather than shedding. Must stay 0. */
    final LongAdder serverErrors = new LongAdder();

    final Map<String, ConcurrentHistogram> latencies = new ConcurrentHashMap<>();
    final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    final AtomicLongArray doorPerSecond = new AtomicLongArray(MAX_SECONDS);
    final AtomicLongArray storedPerSecond = new AtomicLongArray(MAX_SECONDS);
    final AtomicLongArray shedPerSecond = new AtomicLongArray(MAX_SECONDS);
    final AtomicLongArray errorsPerSecond = new AtomicLongArray(MAX_SECONDS);
    final AtomicLongArray queuedPerSecond = new AtomicLongArray(MAX_SECONDS);
    final Map<String, ConcurrentHistogram[]> perSecond = new ConcurrentHashMap<>();

    int second() {
        return (int) Math.min(MAX_SECONDS - 1, (System.nanoTime() - startedNanos) / 1_000_000_000L);
    }

    void verdict(String verdict, String reason) {
        verdicts.computeIfAbsent(verdict + "/" + reason, k -> new LongAdder()).increment();
        doorChecks.increment();
        doorPerSecond.incrementAndGet(second());
    }

    /** Records one HTTP (or SIP) exchange: status -1 means no answer (connection refused, timeout). */
    void exchange(String endpoint, int status, long nanos) {
        statuses.computeIfAbsent(endpoint + " " + (status < 0 ? "no answer" : status), k -> new LongAdder())
                .increment();
        long micros = Math.max(1, nanos / 1000);
        if (status > 0) {
            String key = status == 503 ? endpoint + " (503)" : endpoint;
            latencies
                    .computeIfAbsent(key, k -> new ConcurrentHistogram(3_600_000_000L, 3))
                    .recordValue(micros);
            if (status < 500) {
                ConcurrentHistogram[] series =
                        perSecond.computeIfAbsent(endpoint, k -> new ConcurrentHistogram[MAX_SECONDS]);
                int s = second();
                ConcurrentHistogram h = series[s];
                if (h == null) {
                    synchronized (series) {
                        h = series[s] == null ? (series[s] = new ConcurrentHistogram(3_600_000_000L, 2)) : series[s];
                    }
                }
                h.recordValue(micros);
            }
        }
        boolean sip = endpoint.startsWith("SIP"); // SIP's 603 Decline is the logged call, its success
        boolean serverError = !sip && status >= 500 && status != 503;
        if (serverError) {
            serverErrors.increment();
        }
        if (status == 503) {
            shedPerSecond.incrementAndGet(second());
        } else if (status < 0 || serverError) {
            errorsPerSecond.incrementAndGet(second());
        }
    }

    Histogram latency(String endpoint) {
        ConcurrentHistogram h = latencies.get(endpoint);
        return h == null ? new Histogram(3) : h.copy();
    }

    Map<String, Long> statusCounts() {
        Map<String, Long> out = new TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    Map<String, Long> verdictCounts() {
        Map<String, Long> out = new TreeMap<>();
        verdicts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
