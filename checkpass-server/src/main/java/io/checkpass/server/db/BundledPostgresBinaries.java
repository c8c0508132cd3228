package io.checkpass.server.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Finds the PostgreSQL binaries of the embedded database on the class path, taking the first copy.
 *
 * <p>zonky's default resolver refuses to start when the binaries archive is on the class path twice, which
 * happens whenever {@code checkpass.jar} (whose manifest names {@code lib/}) sits on a class path that already
 * lists the same jars — the load drivers run the server that way. Both copies are the same artifact, so the first
 * one is as good as the other. When no archive of that exact name is found, zonky's own resolver decides.
 */
public final class BundledPostgresBinaries implements PgBinaryResolver {
    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        String name = "postgres-%s-%s.txz"
                .formatted(system.toLowerCase(Locale.ROOT), machineHardware.toLowerCase(Locale.ROOT));
        InputStream archive = BundledPostgresBinaries.class.getClassLoader().getResourceAsStream(name);
        return archive != null ? archive : DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
    }
}
