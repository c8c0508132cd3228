package io.checkpass.server.http;

import io.checkpass.server.config.CheckpassConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;

/** The route classes and their concurrency bounds (config {@code limits.*}). */
public record RouteClasses(LoadShedder publicReads, LoadShedder issuance, LoadShedder ingest, LoadShedder operator) {

    /** @param bodies reads request bodies ahead of the permits, within {@code server.read-timeout} */
    public static RouteClasses of(CheckpassConfig.Limits limits, BodyReader bodies, MeterRegistry metrics) {
        return of(limits, bodies, metrics, routeClass -> {});
    }

    /** @param onShed told of each request shed, with its route class (the centre's degraded log) */
    public static RouteClasses of(
            CheckpassConfig.Limits limits, BodyReader bodies, MeterRegistry metrics, Consumer<String> onShed) {
        int retry = limits.retryAfterSeconds();
        return new RouteClasses(
                new LoadShedder("public", limits.publicReads(), retry, bodies, metrics, onShed),
                new LoadShedder("issuance", limits.issuance(), retry, bodies, metrics, onShed),
                new LoadShedder("ingest", limits.ingest(), retry, bodies, metrics, onShed),
                new LoadShedder("operator", limits.operator(), retry, bodies, metrics, onShed));
    }
}
