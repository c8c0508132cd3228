package io.checkpass.server.http;

import io.checkpass.server.config.CheckpassConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** The route classes and their concurrency bounds (config {@code limits.*}). */
public record RouteClasses(LoadShedder publicReads, LoadShedder issuance, LoadShedder ingest, LoadShedder operator) {

    public static RouteClasses of(CheckpassConfig.Limits limits, MeterRegistry metrics) {
        int retry = limits.retryAfterSeconds();
        return new RouteClasses(
                new LoadShedder("public", limits.publicReads(), retry, metrics),
                new LoadShedder("issuance", limits.issuance(), retry, metrics),
                new LoadShedder("ingest", limits.ingest(), retry, metrics),
                new LoadShedder("operator", limits.operator(), retry, metrics));
    }
}
