package io.checkpass.server.cli;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/** The PEM file {@code checkpass keys device} writes: a PRIVATE KEY block and a PUBLIC KEY block. */
final class DeviceKeyFile {
    private DeviceKeyFile() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("device key file " + file
                    + " does not exist; make one with 'checkpass keys device --out " + file + "'");
        } catch (IOException e) {
            throw new CliException("cannot read device key file " + file + ": " + e.getMessage());
        }
    }

    static ECPublicKey publicKey(Path file, Es256 es256) {
        try {
            return Pem.readPublicKey(read(file), es256);
        } catch (IllegalArgumentException e) {
            throw new CliException(file + " is not a device key file: " + e.getMessage());
        }
    }

    static ECPrivateKey privateKey(Path file, Es256 es256) {
        try {
            return Pem.readPrivateKey(read(file), es256);
        } catch (IllegalArgumentException e) {
            throw new CliException(file + " is not a device key file: " + e.getMessage());
        }
    }
}
