package io.checkpass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.registry.imports.FhirRecordMapper;
import io.checkpass.server.registry.imports.LabResult;
import io.checkpass.server.registry.imports.LabResultParser;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Laboratories post test results ({@code POST /api/v1/lab-results}, role lab): a FHIR R4 Observation or the
 * plain JSON of docs/import.md. Posting the same result again changes nothing (200); a new one is 201.
 */
public final class LabRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    /** Told of every new or changed result after it is stored; must return at once (notifications). */
    private final Consumer<TestRecord> posted;
    /** HAPI's FhirContext takes seconds to build: made on the first lab post, not at start-up. */
    private final Supplier<LabResultParser> parser;

    public LabRoutes(Registry registry) {
        this(registry, test -> {});
    }

    /**
     * @param posted told of every new or changed result once it is stored (the notification outbox's hook); it must
     *     not block or throw, so the lab's request is neither slower nor failed by it
     */
    public LabRoutes(Registry registry, Consumer<TestRecord> posted) {
        this.registry = registry;
        this.posted = posted;
        this.parser = memoize(() -> new LabResultParser(new FhirRecordMapper()));
    }

    public void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard) {
        routing.post("/api/v1/lab-results", guard.require(classes.ingest(), this::post, Role.LAB));
    }

    private void post(Principal lab, ServerRequest req, ServerResponse res) {
        byte[] body = Bodies.read(req, LabResultParser.MAX_BODY_BYTES);
        switch (parser.get().parse(body)) {
            case LabResult.Invalid invalid ->
                throw new ApiException(
                        400,
                        "invalid-lab-result",
                        "Invalid lab result",
                        String.join("; ", invalid.problems()),
                        Map.of("problems", invalid.problems()));
            case LabResult.Accepted accepted -> {
                TestRecord test = accepted.test();
                Registry.Outcome outcome = registry.upsert(List.of(test)).getFirst();
                if (outcome == Registry.Outcome.UNKNOWN_PERSON) {
                    throw ApiException.notFound(
                            "unknown-person", "the registry holds no person '" + test.personId() + "'");
                }
                if (outcome == Registry.Outcome.INSERTED || outcome == Registry.Outcome.UPDATED) {
                    posted.accept(test);
                }
                Responses.json(
                        res,
                        outcome == Registry.Outcome.INSERTED ? 201 : 200,
                        JSON.createObjectNode()
                                .put("personId", test.personId())
                                .put("kind", test.kind().name())
                                .put("positive", test.positive())
                                .put("resultAt", test.resultAt().toString())
                                .put("outcome", outcome.name().toLowerCase(Locale.ROOT)));
            }
        }
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}
