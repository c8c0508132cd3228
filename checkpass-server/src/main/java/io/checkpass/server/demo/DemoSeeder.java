package io.checkpass.server.demo;

import static io.checkpass.core.time.KoreaTime.KST;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.Role;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.visits.Venues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Seeds a realistic demo registry and demo API clients, deterministically (a fixed random seed), and writes the
 * clients' secrets to {@code <data>/demo-credentials.json} (0600). Idempotent: a second run finds the clients
 * and the persons in place and changes nothing.
 *
 * <p>The population mirrors Korea in December 2021: most adults with two doses of Pfizer, Moderna or
 * AstraZeneca in mid-2021, some with Janssen, many boosted in December, a few with one dose only; PCR results,
 * recoveries, medical exemptions, and minors.
 */
public final class DemoSeeder {
    private static final String[] SURNAMES = {
        "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"
    };
    private static final String[] SYLLABLES = {
        "민", "서", "지", "현", "준", "수", "영", "진", "우", "하", "은", "도", "윤", "연", "재", "성", "희", "혜", "태", "주"
    };

    /** The demo clients, by id: display name and roles. */
    public static final Map<String, DemoClient> CLIENTS = clients();

    public record DemoClient(String displayName, Set<Role> roles) {}

    private static Map<String, DemoClient> clients() {
        Map<String, DemoClient> m = new LinkedHashMap<>();
        m.put("wallet-demo", new DemoClient("Demo wallet provider", Set.of(Role.WALLET_PROVIDER)));
        m.put("lab-demo", new DemoClient("Demo laboratory", Set.of(Role.LAB)));
        m.put("admin-demo", new DemoClient("Demo health-authority operator", Set.of(Role.ISSUER_ADMIN)));
        m.put("tracer-demo", new DemoClient("Demo epidemiological investigator", Set.of(Role.TRACER)));
        m.put("auditor-demo", new DemoClient("Demo auditor", Set.of(Role.AUDITOR)));
        m.put("monitor-demo", new DemoClient("Demo Prometheus scraper", Set.of(Role.MONITORING)));
        return m;
    }

    /** Demo venues: id, name, type, region; the i-th (from 1) has the 안심콜 number 080000000i. */
    public static final List<String[]> VENUES = List.of(
            new String[] {"venue-01", "종로 김밥천국", "restaurant_cafe", "서울 종로구"},
            new String[] {"venue-02", "광화문 스타벅스", "restaurant_cafe", "서울 종로구"},
            new String[] {"venue-03", "강남 코인노래방", "karaoke", "서울 강남구"},
            new String[] {"venue-04", "역삼 휘트니스", "indoor_sports", "서울 강남구"},
            new String[] {"venue-05", "신촌 PC방", "pc_cafe", "서울 서대문구"},
            new String[] {"venue-06", "홍대 클럽", "entertainment", "서울 마포구"},
            new String[] {"venue-07", "용산 CGV", "cinema_theatre", "서울 용산구"},
            new String[] {"venue-08", "잠실 롯데마트", "large_store", "서울 송파구"},
            new String[] {"venue-09", "부산 해운대 목욕탕", "bathhouse", "부산 해운대구"},
            new String[] {"venue-10", "대구 동성로 카페", "restaurant_cafe", "대구 중구"});

    /** The actor of the demo clients' audit entries. */
    public static final String ACTOR = "demo-seeder";

    private final Registry registry;
    private final ClientAdministration clients;
    private final Venues venues;

    /** @param clients the same administration an issuer-admin uses: demo clients are made, and audited, as theirs are */
    public DemoSeeder(Registry registry, ClientAdministration clients, Venues venues) {
        this.registry = registry;
        this.clients = clients;
        this.venues = venues;
    }

    /** What seeding did. */
    public record Seeded(int persons, Map<String, String> secrets, Path credentialsFile) {}

    /**
     * Seeds {@code persons} people and the demo clients.
     *
     * @throws IOException if the credentials file cannot be written
     */
    public Seeded seed(int persons, Path dataDir) throws IOException {
        List<RegistryRecord> batch = new ArrayList<>();
        Random random = new Random(20211213L);
        for (int i = 1; i <= persons; i++) {
            batch.addAll(person(i, random));
            if (batch.size() >= 2000) {
                registry.upsert(batch);
                batch.clear();
            }
        }
        registry.upsert(batch);
        Path file = dataDir.resolve("demo-credentials.json");
        Map<String, String> secrets = readSecrets(file);
        for (var client : CLIENTS.entrySet()) {
            if (clients.find(client.getKey()).isEmpty()) {
                var created = clients.create(
                        ACTOR,
                        new ClientAdministration.NewClient(
                                client.getKey(),
                                client.getValue().displayName(),
                                client.getValue().roles(),
                                Optional.empty()));
                secrets.put(client.getKey(), created.secret());
            }
        }
        for (int i = 0; i < VENUES.size(); i++) {
            String[] v = VENUES.get(i);
            if (venues.find(v[0]).isEmpty()) {
                venues.add(new Venues.Venue(
                        v[0],
                        "%03d-%02d-%05d".formatted(100 + i, 81, 10000 + i),
                        v[1],
                        v[3] + " 데모로 " + (i + 1),
                        v[3],
                        v[2],
                        Optional.of("08000000%02d".formatted(i + 1))));
            }
            String scanner = "scanner-" + v[0];
            if (clients.find(scanner).isEmpty()) {
                var created = clients.create(
                        ACTOR,
                        new ClientAdministration.NewClient(
                                scanner, v[1] + " 입구 태블릿", Set.of(Role.SCANNER), Optional.of(v[0])));
                secrets.put(scanner, created.secret());
            }
        }
        writeSecrets(file, secrets);
        return new Seeded(persons, secrets, file);
    }

    /** Deterministic person number {@code i}: id D000001 and up. */
    static List<RegistryRecord> person(int i, Random random) {
        String id = "D%06d".formatted(i);
        String name = SURNAMES[random.nextInt(SURNAMES.length)]
                + SYLLABLES[random.nextInt(SYLLABLES.length)]
                + SYLLABLES[random.nextInt(SYLLABLES.length)];
        int age = 5 + random.nextInt(86);
        LocalDate birth = LocalDate.of(2021 - age, 1 + random.nextInt(12), 1 + random.nextInt(28));
        String phone = "010-%04d-%04d".formatted(random.nextInt(10_000), random.nextInt(10_000));
        List<RegistryRecord> records = new ArrayList<>();
        records.add(new PersonRecord(id, name, birth, Optional.of(phone)));
        double roll = random.nextDouble();
        if (age >= 12 && roll < 0.86) {
            boolean janssen = age >= 30 && random.nextDouble() < 0.05;
            VaccineProduct product = janssen
                    ? VaccineProduct.JANSSEN
                    : new VaccineProduct[] {
                                VaccineProduct.PFIZER,
                                VaccineProduct.PFIZER,
                                VaccineProduct.MODERNA,
                                VaccineProduct.ASTRAZENECA
                            }
                            [random.nextInt(4)];
            LocalDate first = LocalDate.of(2021, 4, 1).plusDays(random.nextInt(200));
            records.add(new ImmunizationRecord(id, first, product, 1));
            boolean onlyOne = !janssen && random.nextDouble() < 0.04;
            LocalDate primaryDone = first;
            if (!janssen && !onlyOne) {
                primaryDone = first.plusDays(product == VaccineProduct.ASTRAZENECA ? 56 : 35);
                records.add(new ImmunizationRecord(id, primaryDone, product, 2));
            }
            if (!onlyOne && age >= 18 && random.nextDouble() < 0.55) {
                LocalDate booster = primaryDone.plusDays(90 + random.nextInt(90));
                if (booster.isBefore(LocalDate.of(2022, 2, 15))) {
                    records.add(new ImmunizationRecord(
                            id,
                            booster,
                            random.nextBoolean() ? VaccineProduct.PFIZER : VaccineProduct.MODERNA,
                            product.primaryDoses() + 1));
                }
            }
        } else if (roll < 0.93) {
            // Unvaccinated adults who test: PCR results in December 2021.
            LocalDate day = LocalDate.of(2021, 12, 10).plusDays(random.nextInt(10));
            records.add(new TestRecord(
                    id,
                    day.atTime(LocalTime.of(9 + random.nextInt(9), random.nextInt(60)))
                            .atZone(KST)
                            .toInstant(),
                    TestRecord.Kind.PCR,
                    random.nextDouble() < 0.03));
        }
        if (random.nextDouble() < 0.03) {
            records.add(new RecoveryRecord(id, LocalDate.of(2021, 9, 1).plusDays(random.nextInt(100))));
        }
        if (random.nextDouble() < 0.01) {
            LocalDate from = LocalDate.of(2021, 11, 1).plusDays(random.nextInt(30));
            records.add(new ExemptionRecord(id, from, from.plusDays(180), "의학적 사유 (아나필락시스 이력)"));
        }
        return records;
    }

    private static Map<String, String> readSecrets(Path file) throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            new ObjectMapper()
                    .readTree(file.toFile())
                    .path("clients")
                    .fields()
                    .forEachRemaining(e ->
                            secrets.put(e.getKey(), e.getValue().path("secret").asText()));
        }
        return secrets;
    }

    private static void writeSecrets(Path file, Map<String, String> secrets) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put(
                "about",
                "Demo API clients of 'checkpass serve --demo'. Use with HTTP Basic: curl -u client-id:secret. Not for production.");
        ObjectNode clients = root.putObject("clients");
        secrets.forEach((id, secret) -> {
            ObjectNode c = clients.putObject(id).put("secret", secret);
            DemoClient demo = CLIENTS.get(id);
            if (demo != null) {
                c.put("displayName", demo.displayName());
                demo.roles().stream().map(Role::id).sorted().forEach(c.putArray("roles")::add);
            } else if (id.startsWith("scanner-")) {
                c.put("venueId", id.substring("scanner-".length()));
                c.putArray("roles").add(Role.SCANNER.id());
            }
        });
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        FilePermissions.ownerOnly(file);
    }
}
