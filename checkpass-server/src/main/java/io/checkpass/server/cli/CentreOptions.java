package io.checkpass.server.cli;

import io.checkpass.server.CentreServices;
import io.checkpass.server.CentreStores;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the centre's data is: options of every command that opens it (serve, import, issue-ahead). */
final class CentreOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data directory (default ./data): embedded database, keys, demo credentials. A running"
                    + " 'checkpass serve' on it is shared, not disturbed.")
    Path data;

    @Option(
            names = "--db-url",
            paramLabel = "URL",
            description =
                    "External PostgreSQL ≥ 15 (jdbc:postgresql://...); password from $CHECKPASS_DATABASE_PASSWORD.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user for --db-url (default checkpass).")
    String dbUser;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration (default DATA/checkpass.yaml if present).")
    Path config;

    CheckpassConfig config() {
        return config(Map.of());
    }

    /** The configuration with these options, then {@code commandOverrides} (a command's own options) on top. */
    CheckpassConfig config(Map<String, String> commandOverrides) {
        Map<String, String> overrides = new HashMap<>();
        if (data != null) {
            overrides.put("data.dir", data.toString());
        }
        if (dbUrl != null) {
            overrides.put("database.url", dbUrl);
        }
        if (dbUser != null) {
            overrides.put("database.user", dbUser);
        }
        overrides.putAll(commandOverrides);
        try {
            return ConfigLoader.load(config, System.getenv(), overrides);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The centre's services (keys, stores, issuance...), for commands that run them (issue-ahead). */
    CentreServices open(CliContext context) {
        return CentreServices.open(config(), context.clock(), context.es256());
    }

    /** The centre's stores only, for commands that move data in or out (import). */
    CentreStores openStores(CliContext context) {
        return CentreStores.open(config(), context.clock());
    }
}
