package io.checkpass.server.visits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.support.SharedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The phone rule exists three times — {@link PhoneNumber#parse} in Java, {@code canonical_phone} in SQL (migration
 * V5) and {@code canonicalPhone} in the scanner page's {@code web/shared/phone.mjs} — and the three must agree, or a
 * number accepted at the door is refused by the centre, or a call never matches its caller's registry entry. This
 * holds them to the same answer on generated input: Korean numbers written every way people write them, foreign
 * E.164 numbers, too few and too many digits, junk. Inputs go in batches: one SQL query and one line to a single
 * node process per batch, so a run takes seconds.
 */
class PhoneNumberRuleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fixed, so a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 20211213L;

    static Connection db;
    static Process node;
    static Writer toNode;
    static BufferedReader fromNode;

    @BeforeAll
    static void start() throws SQLException, IOException, URISyntaxException {
        String url = SharedPostgres.newDatabase();
        db = DriverManager.getConnection(url, "postgres", "");
        // V9 grants to the identity split's two roles, which are cluster-wide (made once, by whichever test is first).
        try (var s = db.createStatement()) {
            for (String role : new String[] {"checkpass_identity", "checkpass_visits"}) {
                s.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + role
                        + "') then create role " + role + " login; end if; end $$");
            }
        }
        Flyway.configure()
                .dataSource(url, "postgres", "")
                .locations("classpath:db/migration")
                .placeholders(
                        java.util.Map.of("identity_role", "checkpass_identity", "visits_role", "checkpass_visits"))
                .load()
                .migrate();
        Path module = Path.of(Objects.requireNonNull(PhoneNumberRuleTest.class.getResource("/web/shared/phone.mjs"))
                .toURI());
        // One node for the whole class: each line in is a JSON array of inputs, each line out the array of answers.
        String script = "import { canonicalPhone } from "
                + JSON.writeValueAsString(module.toUri().toString()) + ";"
                + "import { createInterface } from 'node:readline';"
                + "for await (const line of createInterface({ input: process.stdin })) {"
                + "  process.stdout.write(JSON.stringify(JSON.parse(line).map(canonicalPhone)) + '\\n');"
                + "}";
        node = new ProcessBuilder("node", "--input-type=module", "-e", script)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        fromNode = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws SQLException, InterruptedException {
        if (node != null) {
            node.destroy();
            node.waitFor(5, TimeUnit.SECONDS);
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void the_java_the_sql_and_the_scanner_page_read_every_generated_input_as_the_same_number_or_refuse_it_alike() {
        qt().withFixedSeed(SEED)
                .withExamples(20)
                .withShrinkCycles(50)
                .forAll(lists().of(phoneInputs()).ofSizeBetween(1, 500))
                .checkAssert(batch -> assertThat(mismatches(batch)).isEmpty());
    }

    @Test
    void the_three_agree_with_the_documented_answers() {
        Map<String, Optional<String>> vectors = new LinkedHashMap<>();
        vectors.put("010-1234-5678", Optional.of("01012345678"));
        vectors.put("+82 10-1234-5678", Optional.of("01012345678"));
        vectors.put("82 10 1234 5678", Optional.of("01012345678"));
        vectors.put("+82 (0)10.1234.5678", Optional.of("01012345678"));
        vectors.put("(02) 123-4567", Optional.of("021234567"));
        vectors.put("1588-1234", Optional.of("15881234"));
        vectors.put("+1 555 123 4567", Optional.of("15551234567"));
        vectors.put("+683 4002", Optional.of("6834002"));
        vectors.put("123456", Optional.empty());
        vectors.put("1234567890123456", Optional.empty());
        vectors.put("010-1234-5678 ext. 2", Optional.empty());
        vectors.put("010\t1234\t5678", Optional.empty());
        vectors.put("++82 10 1234 5678", Optional.empty());
        vectors.put("010+1234", Optional.empty());
        vectors.put("０１０１２３４５６７８", Optional.empty());
        vectors.put("", Optional.empty());
        List<String> inputs = List.copyOf(vectors.keySet());
        assertThat(mismatches(inputs)).isEmpty();
        List<String> wrong = new ArrayList<>();
        vectors.forEach((input, expected) -> {
            Optional<String> actual = PhoneNumber.parse(input).number().map(PhoneNumber::digits);
            if (!actual.equals(expected)) {
                wrong.add("'" + input + "': expected " + expected + ", got " + actual);
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void the_tracers_query_uses_the_index_on_the_same_function() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("set enable_seqscan = off"); // a near-empty table would be scanned otherwise; the question is
            // whether the index matches
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery(
                    "explain select person_id from identity.person where canonical_phone(phone) = '01012345678'")) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            s.execute("reset enable_seqscan");
            assertThat(plan.toString()).contains("person_phone_canonical");
        }
    }

    /** Every input on which the three differ, as a readable line. */
    private static List<String> mismatches(List<String> inputs) {
        List<Optional<String>> sql = sql(inputs);
        List<Optional<String>> js = javascript(inputs);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Optional<String> java = PhoneNumber.parse(inputs.get(i)).number().map(PhoneNumber::digits);
            if (!java.equals(sql.get(i)) || !java.equals(js.get(i))) {
                out.add(JSON.valueToTree(inputs.get(i)) + ": java " + java + ", sql " + sql.get(i) + ", js "
                        + js.get(i));
            }
        }
        return out;
    }

    private static List<Optional<String>> sql(List<String> inputs) {
        List<Optional<String>> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement(
                "select canonical_phone(t) from unnest(?::text[]) with ordinality as u (t, n) order by n")) {
            q.setArray(1, db.createArrayOf("text", inputs.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(Optional.ofNullable(r.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static List<Optional<String>> javascript(List<String> inputs) {
        try {
            toNode.write(JSON.writeValueAsString(inputs) + "\n");
            toNode.flush();
            String line = fromNode.readLine();
            if (line == null) {
                throw new IllegalStateException("node exited: " + node.waitFor(1, TimeUnit.SECONDS));
            }
            List<String> answers = JSON.readValue(line, new TypeReference<List<String>>() {});
            return answers.stream().map(Optional::ofNullable).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Numbers as people, telcos and registries write them, and things that are almost numbers: a country-code
     * prefix (+82, 82, +82 0, another country, none), digit runs of 0..18 digits cut by separators, and now and then
     * a junk character (letters, Hangul, tabs, a second +, full-width or Arabic-Indic digits, NBSP) somewhere.
     */
    private static Gen<String> phoneInputs() {
        Gen<String> prefix = Generate.pick(List.of(
                "", "", "", "+82", "82", "+82 ", "+82 (0)", "+820", "+", "+1 ", "+44", "0", "010", "8", "++82"));
        Gen<String> separator = Generate.pick(List.of("", "", "", " ", "-", ".", "(", ")", " - ", "  "));
        Gen<String> digitRun = Generate.range(0, 8)
                .zip(
                        Generate.longRange(0, 99_999_999L),
                        (n, v) -> n == 0 ? "" : String.format("%08d", v).substring(8 - n));
        Gen<String> chunk = digitRun.zip(separator, (d, s) -> d + s);
        Gen<String> body = lists().of(chunk).ofSizeBetween(0, 4).map(l -> String.join("", l));
        Gen<String> junk = Generate.pick(List.of(
                "", "", "", "", "", "", "a", "x", "전화", "\t", "+", "/", "#", "*", "０", "٣", "\u00a0", "\n", ","));
        Gen<Integer> where = Generate.range(0, 40);
        return prefix.zip(body, junk, where, (p, b, j, at) -> {
            String s = p + b;
            int i = Math.min(at, s.length());
            return s.substring(0, i) + j + s.substring(i);
        });
    }
}
