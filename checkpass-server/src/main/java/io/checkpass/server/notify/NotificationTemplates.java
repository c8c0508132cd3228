package io.checkpass.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The message templates, as data ({@code templates.json} beside this class), in Korean and English. A template
 * names its form (one SMS or one LMS) and the longest each parameter may be; the test renders every one at those
 * lengths against the form's limit ({@link SmsLength}).
 */
public final class NotificationTemplates {
    private static final String RESOURCE = "templates.json";

    /** One SMS or one LMS. */
    public enum Form {
        SMS,
        LMS
    }

    /**
     * One template in both languages.
     *
     * @param params the longest each parameter may be, in characters
     */
    public record Template(String id, Form form, Map<String, Integer> params, String korean, String english) {
        public String text(Locale locale) {
            return locale.getLanguage().equals("en") ? english : korean;
        }
    }

    private final Map<String, Template> plain;
    private final Map<String, Template> withLink;
    private final Map<String, String[]> words;

    private NotificationTemplates(
            Map<String, Template> plain, Map<String, Template> withLink, Map<String, String[]> words) {
        this.plain = plain;
        this.withLink = withLink;
        this.words = words;
    }

    /** Reads the packaged templates; a broken file is a build error, caught by the tests. */
    public static NotificationTemplates load() {
        try (InputStream in = NotificationTemplates.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Template> plain = new LinkedHashMap<>();
            Map<String, Template> withLink = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            root.get("templates").fields();
                    it.hasNext(); ) {
                var entry = it.next();
                plain.put(entry.getKey(), template(entry.getKey(), entry.getValue()));
                if (entry.getValue().has("withLink")) {
                    withLink.put(
                            entry.getKey(),
                            template(entry.getKey(), entry.getValue().get("withLink")));
                }
            }
            Map<String, String[]> words = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("words").fields(); it.hasNext(); ) {
                var entry = it.next();
                words.put(entry.getKey(), new String[] {
                    entry.getValue().get("ko").asText(),
                    entry.getValue().get("en").asText()
                });
            }
            return new NotificationTemplates(Map.copyOf(plain), Map.copyOf(withLink), Map.copyOf(words));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static Template template(String id, JsonNode node) {
        Map<String, Integer> params = new LinkedHashMap<>();
        node.get("params")
                .fields()
                .forEachRemaining(p -> params.put(p.getKey(), p.getValue().asInt()));
        return new Template(
                id,
                Form.valueOf(node.get("form").asText().toUpperCase(Locale.ROOT)),
                Map.copyOf(params),
                node.get("ko").asText(),
                node.get("en").asText());
    }

    /** Every template without a link, by id. */
    public Map<String, Template> plain() {
        return plain;
    }

    /** The templates' forms that carry the paper-pass link, by id. */
    public Map<String, Template> withLink() {
        return withLink;
    }

    /** The template to use: the one with the link when there is a link and the template has such a form. */
    public Template select(String id, boolean hasLink) {
        Template t = hasLink ? withLink.getOrDefault(id, plain.get(id)) : plain.get(id);
        return Objects.requireNonNull(t, () -> "no template '" + id + "'");
    }

    /** A fixed word (a status, a test kind, a result) in the locale's language, or the key's last part. */
    public String word(String key, Locale locale) {
        String[] w = words.get(key);
        if (w == null) {
            return key.substring(key.indexOf('.') + 1);
        }
        return locale.getLanguage().equals("en") ? w[1] : w[0];
    }

    /**
     * Renders {@code id} in {@code locale}'s language: {@code {name}} is replaced by the parameter, {@code {link}} by
     * the link. A parameter value longer than the template allows is cut, so the form's limit always holds.
     */
    public String render(String id, Locale locale, Map<String, String> params, Optional<String> link) {
        Template t = select(id, link.isPresent());
        Map<String, String> values = new HashMap<>(params);
        link.ifPresent(l -> values.put("link", l));
        String text = t.text(locale);
        for (var p : t.params().entrySet()) {
            String value = values.getOrDefault(p.getKey(), "");
            if (value.length() > p.getValue()) {
                value = value.substring(0, p.getValue());
            }
            text = text.replace("{" + p.getKey() + "}", value);
        }
        return text;
    }
}
