package io.checkpass.server.registry.imports;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.server.registry.imports.FhirRecordMapper.Mapped;
import io.checkpass.server.registry.imports.FhirRecordMapper.NeedsPerson;
import io.checkpass.server.registry.imports.FhirRecordMapper.Person;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Reads HL7 FHIR R4 JSON: a Bundle (collection, transaction or batch), or NDJSON with one resource or one Bundle
 * per line (FHIR Bulk Data). The first non-blank line decides: a line that is a whole JSON object ({@code {...}})
 * means NDJSON, anything else one JSON document.
 *
 * <p>A document is streamed entry by entry with Jackson, and each entry's resource is handed to HAPI FHIR on its
 * own, so memory holds one entry, not the Bundle. An NDJSON line is read whole (at most {@value #MAX_LINE_BYTES}
 * bytes) and may be a bad line among good ones; a syntax error in a document ends the read, with one last
 * {@code Rejected} saying where.
 *
 * <p>Locations are {@code Type/id}, or for a resource without an id its place: {@code Immunization at entry 5, line
 * 120} in a document, {@code Immunization at line 7} or {@code Immunization at line 7, entry 3} in NDJSON (entries and
 * lines count from 1).
 *
 * <p>Patient references resolve to the person id of the Patient they point to (docs/import.md has the rules). A
 * logical reference by identifier names the person id itself. Otherwise, with {@link PatientIds#RESOLVED_IN_FILE},
 * the reader remembers every Patient it has read (by {@code Patient/<id>} for the whole file, by fullUrl for its
 * Bundle), and a reference to a Patient further down the same Bundle waits for it, at most
 * {@value #MAX_FORWARD_REFERENCES} per Bundle; a reference that names no Patient read is rejected, never guessed.
 * With {@link PatientIds#ARE_PERSON_IDS} a {@code Patient/<id>} reference is person {@code <id>} at once and
 * nothing is remembered across Bundles.
 */
public final class FhirRegistryReader implements RegistryReader {
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    static final int MAX_FORWARD_REFERENCES = 100_000;

    private static final Set<String> BUNDLE_TYPES = Set.of("collection", "transaction", "batch");
    private static final Set<String> MAPPED_TYPES = Set.of("Patient", "Immunization", "Observation");

    /** Strings and nesting are bounded so that one hostile entry cannot take the heap; FHIR JSON has no duplicate keys. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(1024 * 1024)
                            .maxNestingDepth(100)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Reads one value out of a streaming parser, which goes on after it. */
    private static final ObjectReader VALUE = JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final FhirRecordMapper mapper;
    private final CountingInputStream counted;
    private final BufferedInputStream in;
    private final PatientIds patientIds;
    private final ArrayDeque<ImportItem> ready = new ArrayDeque<>();
    /** {@code Patient/<id>} → person id of every Patient read, for the whole file (only with RESOLVED_IN_FILE). */
    private final Map<String, String> patientsById = new HashMap<>();

    private Source source;
    private boolean finished;

    /** What a {@code Patient/<id>} reference means. */
    public enum PatientIds {
        /**
         * Patient ids are the exporter's own: a reference resolves only to a Patient read in the same file, which
         * costs about 100 bytes of memory per Patient until the file ends. The safe default.
         */
        RESOLVED_IN_FILE,
        /**
         * The exporter uses the registry person id as each Patient's id, as for per-type NDJSON exports whose
         * Patients come in another file: {@code Patient/P0004} is person P0004, and a Patient whose id is not its
         * person id is rejected. Nothing is remembered across Bundles.
         */
        ARE_PERSON_IDS
    }

    private FhirRegistryReader(FhirRecordMapper mapper, InputStream in, PatientIds patientIds) {
        this.mapper = mapper;
        this.patientIds = patientIds;
        this.counted = new CountingInputStream(in);
        this.in = new BufferedInputStream(counted, 64 * 1024);
    }

    /** Reads FHIR JSON or NDJSON from {@code in}, which the reader closes, mapping resources with {@code mapper}. */
    public static FhirRegistryReader open(FhirRecordMapper mapper, InputStream in) {
        return open(mapper, in, PatientIds.RESOLVED_IN_FILE);
    }

    /** As {@link #open(FhirRecordMapper, InputStream)}, with {@code Patient/<id>} references read as {@code patientIds} says. */
    public static FhirRegistryReader open(FhirRecordMapper mapper, InputStream in, PatientIds patientIds) {
        return new FhirRegistryReader(
                Objects.requireNonNull(mapper, "mapper"), in, Objects.requireNonNull(patientIds, "patientIds"));
    }

    @Override
    public long bytesRead() {
        return counted.count();
    }

    @Override
    public boolean hasNext() {
        try {
            while (ready.isEmpty() && !finished) {
                if (source == null) {
                    source = detect();
                }
                finished = !source.advance();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return !ready.isEmpty();
    }

    @Override
    public ImportItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads one step of the input, adding zero or more items; false at the end. */
    private interface Source {
        boolean advance() throws IOException;
    }

    private Source detect() throws IOException {
        in.mark(MAX_LINE_BYTES + 8);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        int b;
        int read = 0;
        while ((b = in.read()) >= 0 && ++read <= MAX_LINE_BYTES) {
            if (b == '\n') {
                if (first.size() > 0) {
                    break;
                }
            } else if (first.size() > 0 || !(Character.isWhitespace(b) || b == 0xEF || b == 0xBB || b == 0xBF)) {
                first.write(b);
            }
        }
        in.reset();
        String line = first.toString(StandardCharsets.UTF_8).strip();
        boolean ndjson = read <= MAX_LINE_BYTES && line.length() >= 2 && line.startsWith("{") && line.endsWith("}");
        return ndjson
                ? new NdjsonSource()
                : new DocumentSource(JSON.getFactory().createParser(in));
    }

    private void reject(String location, String problem) {
        ready.add(new ImportItem.Rejected(location, problem));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String location(JsonNode resource, String position) {
        String type = text(resource, "resourceType");
        String id = text(resource, "id");
        if (type != null && id != null && !id.isBlank()) {
            return type + "/" + id;
        }
        return type != null ? type + " at " + position : position;
    }

    private static String bundleTypeProblem(String type) {
        if (type == null || BUNDLE_TYPES.contains(type)) {
            return null;
        }
        return "the Bundle is of type '" + type + "'; send a collection, transaction or batch Bundle";
    }

    private void entry(JsonNode entry, String position, BundleScope scope) {
        if (!entry.isObject()) {
            reject(position, "the entry is not a JSON object");
            return;
        }
        JsonNode resource = entry.get("resource");
        if (resource == null || !resource.isObject()) {
            boolean delete =
                    "DELETE".equals(entry.path("request").path("method").asText());
            reject(
                    position,
                    delete
                            ? "a DELETE request is not imported; the registry is corrected by importing the right record"
                            : "the entry has no resource");
            return;
        }
        if (scope.typeProblem != null) {
            reject(location(resource, position), scope.typeProblem);
            return;
        }
        resource(resource, position, scope, text(entry, "fullUrl"));
    }

    /** Maps one resource; {@code scope} is its Bundle, or null for a resource on its own. */
    private void resource(JsonNode resource, String position, BundleScope scope, String fullUrl) {
        String type = text(resource, "resourceType");
        String location = location(resource, position);
        if (type == null) {
            reject(location, "the resource has no resourceType");
            return;
        }
        if ("Bundle".equals(type)) {
            reject(
                    location,
                    "a Bundle inside a Bundle is not read; put its entries in the outer Bundle, or send one Bundle per NDJSON line");
            return;
        }
        if (!MAPPED_TYPES.contains(type)) {
            reject(
                    location,
                    "unsupported resource type " + type
                            + "; checkpass imports Patient, Immunization and Observation (recoveries and exemptions come through CSV)");
            return;
        }
        Problems problems = new Problems();
        Mapped mapped;
        try {
            mapped = mapper.map(type, resource.toString(), problems);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            mapped = null;
        } catch (RuntimeException e) {
            // HAPI model accessors throw unchecked exceptions on shapes the parser let through; the contract is a
            // Rejected.
            problems.add("could not be mapped: " + e);
            mapped = null;
        }
        switch (mapped) {
            case null -> reject(location, problems.joined());
            case Person p -> patient(p, location, fullUrl, scope);
            case NeedsPerson n -> resolve(n, location, scope);
        }
    }

    private void patient(Person p, String location, String fullUrl, BundleScope scope) {
        String personId = p.person().personId();
        String byId = p.logicalId() == null ? null : "Patient/" + p.logicalId();
        if (patientIds == PatientIds.ARE_PERSON_IDS
                && p.logicalId() != null
                && !p.logicalId().equals(personId)) {
            reject(
                    location,
                    "Patient.id '" + p.logicalId() + "' is not its person id '" + personId
                            + "'; this import reads Patient ids as person ids, so they must match");
            return;
        }
        ready.add(new ImportItem.Parsed(p.person(), location));
        if (byId != null && patientIds == PatientIds.RESOLVED_IN_FILE) {
            patientsById.put(byId, personId);
        }
        if (scope != null) {
            scope.seen(fullUrl, personId);
            scope.seen(byId, personId);
        }
    }

    private void resolve(NeedsPerson n, String location, BundleScope scope) {
        FhirRecordMapper.PatientReference ref = n.patient();
        String id = FhirRecordMapper.patientId(ref.reference() == null ? "" : ref.reference());
        String personId;
        if (ref.identifier() != null) {
            personId = ref.identifier();
        } else if (patientIds == PatientIds.ARE_PERSON_IDS && id != null) {
            personId = id;
        } else {
            personId = known(ref.reference(), id, scope);
        }
        if (personId != null) {
            complete(n, location, personId);
        } else if (scope != null && scope.waiting < MAX_FORWARD_REFERENCES) {
            scope.await(new Waiting(n, location));
        } else {
            unresolved(n, location, scope != null);
        }
    }

    private String known(String reference, String id, BundleScope scope) {
        String byId = id == null ? null : "Patient/" + id;
        String found = scope == null ? null : scope.patients.get(reference);
        if (found == null && scope != null && byId != null) {
            found = scope.patients.get(byId);
        }
        if (found == null && byId != null) {
            found = patientsById.get(byId);
        }
        return found;
    }

    private void unresolved(NeedsPerson n, String location, boolean inBundle) {
        String reference = n.patient().reference();
        String fix = inBundle
                ? "; put the Patient in the same Bundle (at most " + MAX_FORWARD_REFERENCES
                        + " resources may wait for a Patient further down)"
                : "; put the Patient on an earlier line of the file";
        reject(
                location,
                "the patient reference '" + reference + "' names no Patient read "
                        + (inBundle ? "in this Bundle" : "before it") + fix
                        + ", or refer to the person by identifier"
                        + (FhirRecordMapper.patientId(reference) != null
                                ? " (or import with Patient ids read as person ids, if they are)"
                                : ""));
    }

    private void complete(NeedsPerson n, String location, String personId) {
        try {
            ready.add(new ImportItem.Parsed(n.forPerson().apply(personId), location));
        } catch (IllegalArgumentException e) {
            reject(location, "the patient reference gives " + e.getMessage());
        }
    }

    private record Waiting(NeedsPerson needs, String location) {}

    /** One Bundle's Patients by fullUrl and {@code Patient/<id>}, and the resources waiting for a Patient further down. */
    private final class BundleScope {
        final String typeProblem;
        final Map<String, String> patients = new HashMap<>();
        final Map<String, List<Waiting>> awaiting = new HashMap<>();
        final Set<Waiting> all = new LinkedHashSet<>();
        int waiting;

        BundleScope(String type) {
            this.typeProblem = bundleTypeProblem(type);
        }

        void seen(String key, String personId) {
            if (key == null) {
                return;
            }
            patients.put(key, personId);
            List<Waiting> released = awaiting.remove(key);
            if (released != null) {
                for (Waiting w : released) {
                    if (all.remove(w)) {
                        waiting--;
                        complete(w.needs(), w.location(), personId);
                    }
                }
            }
        }

        void await(Waiting w) {
            String reference = w.needs().patient().reference();
            awaiting.computeIfAbsent(reference, k -> new ArrayList<>()).add(w);
            String id = FhirRecordMapper.patientId(reference);
            if (id != null && !reference.equals("Patient/" + id)) {
                awaiting.computeIfAbsent("Patient/" + id, k -> new ArrayList<>())
                        .add(w);
            }
            all.add(w);
            waiting++;
        }

        /** At the end of the Bundle, what still waits names no Patient of it. */
        void finish() {
            for (Waiting w : all) {
                unresolved(w.needs(), w.location(), true);
            }
            all.clear();
            awaiting.clear();
            waiting = 0;
        }
    }

    /** NDJSON: each line is parsed on its own, so a bad line is one Rejected and the next line is read as usual. */
    private final class NdjsonSource implements Source {
        private long lineNumber;

        @Override
        public boolean advance() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean tooLong = false;
            boolean any = false;
            int b;
            while ((b = in.read()) >= 0) {
                any = true;
                if (b == '\n') {
                    break;
                }
                if (line.size() < MAX_LINE_BYTES) {
                    line.write(b);
                } else {
                    tooLong = true;
                }
            }
            if (!any) {
                return false;
            }
            lineNumber++;
            String at = "line " + lineNumber;
            if (tooLong) {
                reject(
                        at,
                        "the line is longer than " + (MAX_LINE_BYTES >> 20)
                                + " MiB; send one resource per line, or smaller Bundles");
                return true;
            }
            byte[] bytes = line.toByteArray();
            if (new String(bytes, StandardCharsets.UTF_8).replace("\uFEFF", "").isBlank()) {
                return true;
            }
            JsonNode root;
            try {
                root = JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                reject(at, "invalid JSON: " + e.getOriginalMessage());
                return true;
            }
            if (!root.isObject()) {
                reject(at, "the line is not a JSON object; NDJSON carries one resource or one Bundle per line");
            } else if ("Bundle".equals(text(root, "resourceType"))) {
                BundleScope scope = new BundleScope(text(root, "type"));
                int index = 0;
                for (JsonNode e : root.path("entry")) {
                    entry(e, at + ", entry " + ++index, scope);
                }
                scope.finish();
            } else {
                resource(root, at, null, null);
            }
            return true;
        }
    }

    /**
     * One JSON document (or several in a row), streamed: the top-level fields of each object are read one by one, and
     * a Bundle's {@code entry} array one entry at a time. Other top-level fields of a resource are kept to map it whole.
     */
    private final class DocumentSource implements Source {
        private final JsonParser parser;
        private Root root;
        private boolean inEntries;

        DocumentSource(JsonParser parser) {
            this.parser = parser;
        }

        private final class Root {
            final long line;
            final ObjectNode fields = JSON.createObjectNode();
            String resourceType;
            String bundleType;
            BundleScope bundle;
            int entries;

            Root(long line) {
                this.line = line;
            }

            boolean maybeBundle() {
                return resourceType == null || "Bundle".equals(resourceType);
            }
        }

        @Override
        public boolean advance() throws IOException {
            try {
                return step();
            } catch (JsonProcessingException e) {
                if (root != null && root.bundle != null) {
                    root.bundle.finish();
                }
                JsonLocation at = e.getLocation();
                reject(
                        at == null ? "the end of the file" : "line " + at.getLineNr() + ", column " + at.getColumnNr(),
                        "invalid JSON: " + e.getOriginalMessage() + "; nothing after this point was read");
                return false;
            }
        }

        private boolean step() throws IOException {
            if (root == null) {
                JsonToken t = parser.nextToken();
                if (t == null) {
                    return false;
                }
                long line = parser.currentTokenLocation().getLineNr();
                if (t != JsonToken.START_OBJECT) {
                    reject("line " + line, "expected a FHIR resource (a JSON object), found " + t.asString());
                    return false;
                }
                root = new Root(line);
                return true;
            }
            if (inEntries) {
                JsonToken t = parser.nextToken();
                if (t == null) {
                    reject("line " + root.line, "the file ends inside the Bundle's entries");
                    root.bundle.finish();
                    return false;
                }
                if (t == JsonToken.END_ARRAY) {
                    inEntries = false;
                    return true;
                }
                String position = "entry " + ++root.entries + ", line "
                        + parser.currentTokenLocation().getLineNr();
                entry(VALUE.readTree(parser), position, root.bundle);
                return true;
            }
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_OBJECT) {
                finishRoot();
                return true;
            }
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("entry".equals(name) && root.maybeBundle()) {
                if (value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    reject("line " + root.line, "Bundle.entry is not an array");
                    return true;
                }
                if (root.bundle == null) {
                    root.bundle = new BundleScope(root.bundleType);
                }
                inEntries = true;
                return true;
            }
            JsonNode node = VALUE.readTree(parser);
            switch (name) {
                case "resourceType" -> root.resourceType = node.isTextual() ? node.asText() : null;
                case "type" -> root.bundleType = node.isTextual() ? node.asText() : null;
                default -> {}
            }
            if (!"Bundle".equals(root.resourceType)) {
                root.fields.set(name, node);
            }
            return true;
        }

        private void finishRoot() {
            Root done = root;
            root = null;
            if (done.bundle != null) {
                done.bundle.finish();
                if (!"Bundle".equals(done.resourceType)) {
                    reject(
                            "line " + done.line,
                            "the object has entries but its resourceType is not Bundle; its entries were read as a Bundle's");
                }
            } else if (!"Bundle".equals(done.resourceType)) {
                resource(done.fields, "line " + done.line, null, null);
            }
        }
    }
}
