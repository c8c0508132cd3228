package io.checkpass.server.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reading and writing the CLI's files with errors that name the file and what it was for. */
final class CliFiles {
    /** No input file of the CLI is anywhere near this; a larger one is a mistake. */
    static final long MAX_INPUT_BYTES = 64L * 1024 * 1024;

    private CliFiles() {}

    static byte[] read(Path file, String what) {
        try {
            if (Files.size(file) > MAX_INPUT_BYTES) {
                throw new CliException(what + " file " + file + " is larger than " + MAX_INPUT_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " file " + file + ": " + e.getMessage());
        }
    }

    /** Writes through a temporary file beside the target, so a reader never sees half a file. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = Files.createTempFile(
                absolute.getParent(), absolute.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
