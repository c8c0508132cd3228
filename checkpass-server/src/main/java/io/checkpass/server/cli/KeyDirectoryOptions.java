package io.checkpass.server.cli;

import io.checkpass.core.crypto.Es256;
import io.checkpass.server.keys.KeyDirectory;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of commands that sign with the keys of a key directory (pass issue, bundle build). */
final class KeyDirectoryOptions {
    @Option(
            names = "--keys",
            required = true,
            paramLabel = "DIR",
            description = "Key directory made by 'checkpass keys new'.")
    Path keys;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "Keystore password file (else $CHECKPASS_KEYSTORE_PASSWORD, else DIR/keystore.password).")
    Path passwordFile;

    KeyDirectory open(Es256 es256) throws IOException {
        return KeyDirectory.open(keys, es256, KeyDirectory.externalPassword(passwordFile));
    }
}
