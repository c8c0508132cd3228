package io.checkpass.server.notify;

import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.VaccineProduct;
import io.checkpass.server.CentreStores;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.support.MutableClock;
import io.checkpass.server.support.SharedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fresh database with the centre's stores, an outbox on it, and helpers to seed persons and read rows. */
final class NotifyFixture implements AutoCloseable {
    final MutableClock clock;
    final CentreStores stores;
    final Outbox outbox;

    NotifyFixture(Instant start) {
        this.clock = new MutableClock(start);
        try {
            this.stores = CentreStores.open(
                    ConfigLoader.load(
                            null,
                            Map.of(),
                            Map.of(
                                    "data.dir",
                                            Files.createTempDirectory("checkpass-notify")
                                                    .toString(),
                                    "database.url", SharedPostgres.newDatabase(),
                                    "database.user", "postgres")),
                    clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.outbox = new Outbox(stores.database().identity());
    }

    /** A person with a phone (or none) and two Pfizer doses, the second on {@code secondDose}. */
    void vaccinated(String id, String phone, LocalDate secondDose) {
        stores.registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord(id, "홍길동", LocalDate.of(1980, 1, 1), Optional.ofNullable(phone)),
                        new ImmunizationRecord(id, secondDose.minusDays(21), VaccineProduct.PFIZER, 1),
                        new ImmunizationRecord(id, secondDose, VaccineProduct.PFIZER, 2)));
    }

    void person(String id, String phone) {
        stores.registry()
                .upsert(List.<RegistryRecord>of(
                        new PersonRecord(id, "김철수", LocalDate.of(1980, 1, 1), Optional.ofNullable(phone))));
    }

    /** "person kind due channel state" of every row, ordered. */
    List<String> rows() {
        return query("""
                select person_id || ' ' || kind || ' ' || due_date || ' ' || channel || ' ' || state
                from notification order by person_id, kind, due_date""");
    }

    List<String> query(String sql) {
        try (Connection c = stores.database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) {
        return Long.parseLong(query(sql).getFirst());
    }

    @Override
    public void close() {
        stores.close();
    }
}
