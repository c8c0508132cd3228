package io.checkpass.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/api.yaml as a contract the HTTP tests hold the centre to. {@link TestCentre} passes every response it
 * receives to {@link #check}, which fails the test unless the description has the operation (path and method),
 * declares the status for it, declares the response's content type, and the body (JSON and problem+json alike)
 * is valid against the declared schema. {@link #lint} is what ApiDescriptionLintTest asserts is empty.
 *
 * <p>Schemas are JSON Schema 2020-12 in the OpenAPI 3.1 dialect (networknt json-schema-validator), with
 * {@code format} asserted (date-time, date, uuid, uri). One rule is stricter than OpenAPI: an object schema that
 * lists its {@code properties} is read as listing all of them (as if it said {@code unevaluatedProperties: false}),
 * so a field the code sends and the description does not mention fails the test. A schema that means to stay
 * open says {@code additionalProperties}.
 */
public final class ApiContract {
    /**
     * The routes the centre answers that are not part of the API and so are not in docs/api.yaml: the pages
     * (docs/pages.md), their redirects from the bare names, and the static files they load. A test may reach them
     * through {@link TestCentre}; every other path must be described.
     */
    public static final List<Pattern> OUTSIDE_THE_CONTRACT = List.of(
            Pattern.compile("/(wallet|scanner|console|inspector)"), // 301 to the page's folder
            Pattern.compile(
                    "/(wallet|scanner|console|inspector)/(?!api/).*"), // the pages: HTML, scripts, styles, manifests,
            // workers
            Pattern.compile("/shared/.*"), // the verifier and vendored libraries they share
            Pattern.compile("/favicon\\.ico"), // 301 to the pages' icon
            Pattern.compile("/p/.*")); // the proof links' public page, its script and worker (docs/pages.md)

    /** Where the description lives in the repository, relative to the root. */
    public static final String FILE = "docs/api.yaml";

    private static final String DOCUMENT_IRI = "https://checkpass.kr/api.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static volatile ApiContract centre;

    private final String name;
    private final String yaml;
    private final JsonNode document;
    private final List<PathTemplate> paths = new ArrayList<>();
    private final SchemaRegistry registry;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private record PathTemplate(String template, Pattern pattern, int literalChars) {}

    private ApiContract(String name, String yaml) {
        this.name = name;
        this.yaml = yaml;
        try {
            this.document = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " is not YAML: " + e.getMessage(), e);
        }
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            StringBuilder regex = new StringBuilder();
            int literal = 0;
            Matcher m = Pattern.compile("\\{[^/}]+}").matcher(template);
            int at = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(at, m.start()))).append("[^/]+");
                literal += m.start() - at;
                at = m.end();
            }
            regex.append(Pattern.quote(template.substring(at)));
            literal += template.length() - at;
            paths.add(new PathTemplate(template, Pattern.compile(regex.toString()), literal));
        }
        // Concrete paths win over templated ones (OpenAPI 3.1, Paths Object).
        paths.sort((a, b) -> Integer.compare(b.literalChars(), a.literalChars()));
        ObjectNode closedDocument = document.deepCopy();
        closeObjects(closedDocument);
        SchemaRegistryConfig config =
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        String closedJson = closedDocument.toString();
        this.registry = SchemaRegistry.withDefaultDialect(
                Dialects.getOpenApi31(),
                builder -> builder.schemaRegistryConfig(config).schemas(Map.of(DOCUMENT_IRI, closedJson)));
    }

    /** The centre's description, docs/api.yaml, read once. */
    public static ApiContract centre() {
        ApiContract c = centre;
        if (c == null) {
            synchronized (ApiContract.class) {
                c = centre;
                if (c == null) {
                    c = centre = parse(FILE, read());
                }
            }
        }
        return c;
    }

    /** A description from text, e.g. a broken one in a test of this class. */
    public static ApiContract parse(String name, String yaml) {
        return new ApiContract(name, yaml);
    }

    /** docs/api.yaml from the source tree (Maven runs tests in checkpass-server/), else the copy the build puts on the class path. */
    private static String read() {
        for (String dir : new String[] {System.getProperty("basedir"), System.getProperty("user.dir")}) {
            if (dir == null) {
                continue;
            }
            for (Path candidate : List.of(Path.of(dir, "..", FILE), Path.of(dir, FILE))) {
                if (Files.isRegularFile(candidate)) {
                    try {
                        return Files.readString(candidate);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        try (InputStream in = ApiContract.class.getResourceAsStream("/io/checkpass/server/http/api.yaml")) {
            if (in == null) {
                throw new IllegalStateException(
                        FILE + " not found from " + System.getProperty("user.dir") + " nor on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- responses

    /** Fails with every way {@code response} departs from the description; silent for routes outside the contract. */
    public void check(HttpResponse<?> response) {
        List<String> violations = violations(response);
        if (violations.isEmpty()) {
            return;
        }
        String report = System.getenv("API_CONTRACT_REPORT");
        if (report != null && !report.isBlank()) {
            // For surveying drift across a whole run: collect every departure in this file instead of failing at the
            // first.
            try {
                Files.writeString(
                        Path.of(report),
                        describe(response, violations) + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        throw new AssertionError(describe(response, violations));
    }

    /** Every way {@code response} departs from the description (empty when it conforms or is outside the contract). */
    public List<String> violations(HttpResponse<?> response) {
        byte[] body = switch (response.body()) {
            case null -> new byte[0];
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            case byte[] b -> b;
            default -> null; // a streamed or discarded body: status and headers only
        };
        return violations(response.request().method(), response.uri(), response.statusCode(), response.headers(), body);
    }

    /**
     * Every way this response departs from the description.
     *
     * @param body the body's bytes, or null when the caller did not keep them (the body is then not checked)
     */
    public List<String> violations(String method, URI uri, int status, HttpHeaders headers, byte[] body) {
        String path = uri.getRawPath();
        if (outsideTheContract(path)) {
            return List.of();
        }
        List<String> violations = new ArrayList<>();
        Optional<String> template = template(path);
        if (template.isEmpty()) {
            violations.add("no path of " + name + " matches " + path
                    + " (and it is not one of ApiContract.OUTSIDE_THE_CONTRACT)");
            return violations;
        }
        String operationPointer = "/paths/" + escape(template.get()) + "/" + method.toLowerCase(Locale.ROOT);
        JsonNode operation = document.at(operationPointer);
        if (operation.isMissingNode()) {
            violations.add(name + " describes " + template.get() + " but not " + method + " on it");
            return violations;
        }
        JsonNode responses = operation.path("responses");
        String key = Integer.toString(status);
        if (!responses.has(key)) {
            key = status / 100 + "XX";
        }
        if (!responses.has(key)) {
            key = "default";
        }
        if (!responses.has(key)) {
            List<String> declared = new ArrayList<>();
            responses.fieldNames().forEachRemaining(declared::add);
            violations.add("status " + status + " is not declared for " + method + " " + template.get() + " (declared: "
                    + declared + ")");
            return violations;
        }
        String responsePointer = resolve(operationPointer + "/responses/" + escape(key));
        JsonNode declaredResponse = document.at(responsePointer);
        if (declaredResponse.isMissingNode()) {
            violations.add("the response " + key + " of " + method + " " + template.get() + " refers to nothing");
            return violations;
        }
        for (var header : declaredResponse.path("headers").properties()) {
            JsonNode headerNode = document.at(resolve(responsePointer + "/headers/" + escape(header.getKey())));
            Optional<String> value = headers.firstValue(header.getKey());
            if (value.isEmpty() && headerNode.path("required").asBoolean(false)) {
                violations.add("the required header " + header.getKey() + " is missing");
            }
            if (value.isPresent()
                    && "integer".equals(headerNode.path("schema").path("type").asText())
                    && !value.get().matches("-?[0-9]+")) {
                violations.add(
                        "the header " + header.getKey() + " is declared an integer but is '" + value.get() + "'");
            }
        }
        if (body == null) {
            return violations;
        }
        JsonNode content = declaredResponse.path("content");
        Optional<String> contentType = headers.firstValue("Content-Type").map(ApiContract::mediaType);
        if (body.length == 0) {
            if (!content.isMissingNode() && !content.isEmpty() && !"head".equalsIgnoreCase(method)) {
                violations.add("the body is empty but " + name + " declares " + fieldNames(content) + " for " + status);
            }
            return violations;
        }
        if (content.isMissingNode() || content.isEmpty()) {
            violations.add("a body of " + contentType.orElse("no declared type") + " came with " + status
                    + ", for which " + name + " declares no content");
            return violations;
        }
        if (contentType.isEmpty()) {
            violations.add("a body without Content-Type; " + name + " declares " + fieldNames(content));
            return violations;
        }
        Optional<String> declaredType = declaredMediaType(content, contentType.get());
        if (declaredType.isEmpty()) {
            violations.add("Content-Type " + contentType.get() + " is not declared for " + status + " (declared: "
                    + fieldNames(content) + ")");
            return violations;
        }
        JsonNode schemaNode = content.path(declaredType.get()).path("schema");
        if (isJson(contentType.get())) {
            JsonNode instance;
            try {
                instance = JSON.readTree(body);
            } catch (IOException e) {
                violations.add("the body is not JSON although it is " + contentType.get() + ": " + e.getMessage());
                return violations;
            }
            if (!schemaNode.isMissingNode()) {
                String location = responsePointer + "/content/" + escape(declaredType.get()) + "/schema";
                for (var error : schema(location).validate(instance)) {
                    violations.add("body " + error.getInstanceLocation() + ": " + error.getMessage());
                }
            }
        }
        return violations;
    }

    private String describe(HttpResponse<?> response, List<String> violations) {
        StringBuilder text = new StringBuilder("the response to "
                + response.request().method() + " " + response.uri().getRawPath() + " departs from " + name + ":");
        for (String v : violations) {
            text.append("\n  - ").append(v);
        }
        text.append("\n  status ")
                .append(response.statusCode())
                .append(", Content-Type ")
                .append(response.headers().firstValue("Content-Type").orElse("(none)"));
        if (response.body() instanceof String s) {
            text.append(", body: ").append(s.length() > 2000 ? s.substring(0, 2000) + "…" : s);
        }
        return text.toString();
    }

    /** True when the path is one of the pages' routes ({@link #OUTSIDE_THE_CONTRACT}). */
    public static boolean outsideTheContract(String path) {
        return OUTSIDE_THE_CONTRACT.stream().anyMatch(p -> p.matcher(path).matches());
    }

    /** The path template of the description that matches this path, if any. */
    public Optional<String> template(String path) {
        return paths.stream()
                .filter(t -> t.pattern().matcher(path).matches())
                .map(PathTemplate::template)
                .findFirst();
    }

    /** True when the description has this method on a path that matches. */
    public boolean describes(String method, String path) {
        return template(path)
                .map(t -> document.path("paths").path(t).has(method.toLowerCase(Locale.ROOT)))
                .orElse(false);
    }

    /** The compiled schema at this JSON pointer of the document (with closed objects, see the class comment). */
    public Schema schema(String pointer) {
        return compiled.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
    }

    private static Optional<String> declaredMediaType(JsonNode content, String actual) {
        if (content.has(actual)) {
            return Optional.of(actual);
        }
        for (Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
            String declared = it.next();
            String type = declared.toLowerCase(Locale.ROOT);
            if (type.equals("*/*")
                    || (type.endsWith("/*") && actual.startsWith(type.substring(0, type.length() - 1)))) {
                return Optional.of(declared);
            }
        }
        return Optional.empty();
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Follows local {@code $ref}s (Reference Objects) from this pointer to the object they name. */
    private String resolve(String pointer) {
        String at = pointer;
        for (int hops = 0; hops < 10; hops++) {
            JsonNode node = document.at(at);
            JsonNode ref = node.get("$ref");
            if (ref == null || !ref.isTextual() || !ref.asText().startsWith("#")) {
                return at;
            }
            at = ref.asText().substring(1);
        }
        throw new IllegalStateException("a $ref cycle at " + pointer);
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Adds {@code unevaluatedProperties: false} to every object schema that lists properties and says nothing of others. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("properties").isObject()
                    && !object.has("additionalProperties")
                    && !object.has("unevaluatedProperties")
                    && !object.has("patternProperties")) {
                object.put("unevaluatedProperties", false);
            }
            object.elements().forEachRemaining(ApiContract::closeObjects);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(ApiContract::closeObjects);
        }
    }

    // ---------------------------------------------------------------------------------------------- lint

    /** JSON Schema 2020-12 keywords, OpenAPI 3.1's additions to them, and nothing else (x- extensions aside). */
    private static final Set<String> SCHEMA_KEYWORDS = Set.of(
            "$schema",
            "$id",
            "$ref",
            "$anchor",
            "$dynamicRef",
            "$dynamicAnchor",
            "$defs",
            "$comment",
            "$vocabulary",
            "type",
            "enum",
            "const",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "maxContains",
            "minContains",
            "maxProperties",
            "minProperties",
            "required",
            "dependentRequired",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
            "if",
            "then",
            "else",
            "dependentSchemas",
            "prefixItems",
            "items",
            "contains",
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "format",
            "contentEncoding",
            "contentMediaType",
            "contentSchema",
            "title",
            "description",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
            "examples",
            "discriminator",
            "xml",
            "externalDocs",
            "example");

    private static final Set<String> SUBSCHEMA_MAPS =
            Set.of("properties", "patternProperties", "$defs", "dependentSchemas");
    private static final Set<String> SUBSCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SUBSCHEMAS = Set.of(
            "not",
            "if",
            "then",
            "else",
            "items",
            "contains",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema");

    /**
     * What is wrong with the description itself: swagger-parser's messages (structure, unresolved $refs), and this
     * project's rules: every operation has a unique operationId and at least one response, every response a
     * description, every path parameter is declared, every operation that needs credentials declares 401, schemas
     * use only known keywords (a YAML flow mapping with an unquoted comma turns half a description into a key) and
     * compile, and every JSON response declares a schema.
     */
    public List<String> lint() {
        List<String> problems = new ArrayList<>();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        var result = new OpenAPIV3Parser().readContents(yaml, null, options);
        if (result.getMessages() != null) {
            result.getMessages().forEach(m -> problems.add("swagger-parser: " + m));
        }
        if (result.getOpenAPI() == null) {
            problems.add("swagger-parser could not read " + name);
            return problems;
        }
        if (!document.path("openapi").asText().startsWith("3.1")) {
            problems.add("openapi must be 3.1.x (the schemas are JSON Schema 2020-12)");
        }
        boolean securedByDefault = document.path("security").isArray()
                && !document.path("security").isEmpty();
        Map<String, String> operationIds = new HashMap<>();
        for (var pathEntry : document.path("paths").properties()) {
            String template = pathEntry.getKey();
            JsonNode pathItem = pathEntry.getValue();
            Set<String> templateParams = new HashSet<>();
            Matcher m = Pattern.compile("\\{([^/}]+)}").matcher(template);
            while (m.find()) {
                templateParams.add(m.group(1));
            }
            for (var opEntry : pathItem.properties()) {
                if (!METHODS.contains(opEntry.getKey())) {
                    continue;
                }
                String where = opEntry.getKey().toUpperCase(Locale.ROOT) + " " + template;
                String pointer = "/paths/" + escape(template) + "/" + opEntry.getKey();
                JsonNode op = opEntry.getValue();
                String id = op.path("operationId").asText("");
                if (id.isEmpty()) {
                    problems.add(where + ": no operationId");
                } else if (operationIds.putIfAbsent(id, where) != null) {
                    problems.add(where + ": operationId " + id + " is also that of " + operationIds.get(id));
                }
                Set<String> declaredParams = new HashSet<>();
                for (JsonNode params : List.of(pathItem.path("parameters"), op.path("parameters"))) {
                    for (JsonNode p : params) {
                        JsonNode param = p.has("$ref")
                                ? document.at(p.get("$ref").asText().substring(1))
                                : p;
                        if ("path".equals(param.path("in").asText())) {
                            declaredParams.add(param.path("name").asText());
                            if (!param.path("required").asBoolean(false)) {
                                problems.add(where + ": path parameter "
                                        + param.path("name").asText() + " must be required: true");
                            }
                        }
                    }
                }
                if (!declaredParams.equals(templateParams)) {
                    problems.add(where + ": path parameters declared " + declaredParams + " but the path has "
                            + templateParams);
                }
                JsonNode responses = op.path("responses");
                if (!responses.isObject() || responses.isEmpty()) {
                    problems.add(where + ": no responses");
                    continue;
                }
                boolean secured = op.has("security") ? !op.path("security").isEmpty() : securedByDefault;
                if (secured && !responses.has("401")) {
                    problems.add(where + ": needs credentials but declares no 401");
                }
                for (var r : responses.properties()) {
                    String status = r.getKey();
                    if (!status.matches("[1-5]([0-9][0-9]|XX)|default")) {
                        problems.add(where + ": response key " + status + " is not a status code");
                    }
                    String rp = resolve(pointer + "/responses/" + escape(status));
                    JsonNode response = document.at(rp);
                    if (response.isMissingNode()) {
                        problems.add(where + " " + status + ": $ref "
                                + r.getValue().path("$ref").asText() + " resolves to nothing");
                        continue;
                    }
                    if (response.path("description").asText("").isBlank()) {
                        problems.add(where + " " + status + ": no description");
                    }
                    for (var c : response.path("content").properties()) {
                        if (isJson(c.getKey()) && !c.getValue().has("schema")) {
                            problems.add(where + " " + status + " " + c.getKey() + ": no schema");
                        }
                    }
                }
            }
        }
        for (String pointer : schemaPointers()) {
            lintSchema(pointer, document.at(pointer), problems);
            try {
                schema(pointer).validate(JSON.nullNode());
            } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
                problems.add(pointer + ": the schema does not compile: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The JSON pointers of every top-level schema: components, parameters, headers, request and response bodies. */
    private List<String> schemaPointers() {
        List<String> pointers = new ArrayList<>();
        collectSchemas(document, "", pointers);
        return pointers;
    }

    private static void collectSchemas(JsonNode node, String pointer, List<String> into) {
        if (pointer.startsWith("/components/schemas/")
                && pointer.chars().filter(ch -> ch == '/').count() == 3) {
            into.add(pointer);
            return;
        }
        if (node.isObject()) {
            for (var e : node.properties()) {
                String child = pointer + "/" + escape(e.getKey());
                if (e.getKey().equals("schema") && e.getValue().isObject()) {
                    into.add(child);
                } else if (!e.getKey().equals("example") && !e.getKey().equals("examples")) {
                    collectSchemas(e.getValue(), child, into);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSchemas(node.get(i), pointer + "/" + i, into);
            }
        }
    }

    private static void lintSchema(String pointer, JsonNode schema, List<String> problems) {
        if (schema.isBoolean()) {
            return;
        }
        if (!schema.isObject()) {
            problems.add(pointer + ": a schema must be an object or a boolean, not " + schema.getNodeType());
            return;
        }
        for (var e : schema.properties()) {
            String key = e.getKey();
            String child = pointer + "/" + escape(key);
            if (!SCHEMA_KEYWORDS.contains(key) && !key.startsWith("x-")) {
                problems.add(pointer + ": unknown schema keyword '" + key + "' (an unquoted comma in a flow mapping?)");
            } else if (SUBSCHEMA_MAPS.contains(key)) {
                for (var s : e.getValue().properties()) {
                    lintSchema(child + "/" + escape(s.getKey()), s.getValue(), problems);
                }
            } else if (SUBSCHEMA_LISTS.contains(key)) {
                for (int i = 0; i < e.getValue().size(); i++) {
                    lintSchema(child + "/" + i, e.getValue().get(i), problems);
                }
            } else if (SUBSCHEMAS.contains(key)) {
                lintSchema(child, e.getValue(), problems);
            }
        }
    }
}
