package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Logs in to a PKCS#11 token from a process of its own and prints what happened: the first login of a process, as at
 * a centre's start. PKCS#11 login belongs to the whole process and SunPKCS11 does not log in again while the token is
 * logged in, so a wrong PIN can only be seen where nothing else logged in first.
 *
 * <p>Arguments: library, slot list index, PIN. Exit 0 and {@code opened} if the token accepted the PIN; exit 1 and
 * the error's message if not.
 */
final class FirstLoginProbe {
    private FirstLoginProbe() {}

    public static void main(String[] args) {
        try (Pkcs11Vault vault =
                Pkcs11Vault.open(Path.of(args[0]), Integer.parseInt(args[1]), args[2].toCharArray(), Es256.select())) {
            System.out.println("opened " + vault.describe());
        } catch (IOException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }
}
