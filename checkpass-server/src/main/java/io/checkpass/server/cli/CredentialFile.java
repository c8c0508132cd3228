package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.server.json.CredentialJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;

/** A credential on disk, in the same JSON shape the issuance API answers with ({@link CredentialJson}). */
final class CredentialFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CredentialFile() {}

    static void write(Path file, IssuedCredential issued) throws IOException {
        Files.writeString(
                file,
                JSON.writerWithDefaultPrettyPrinter()
                                .writeValueAsString(CredentialJson.toJson(issued.claims(), issued.encoded()))
                        + "\n");
    }

    /**
     * Reads the credential bytes.
     *
     * @throws CliException if the file is missing or not a credential file
     */
    static byte[] read(Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            JsonNode credential = node == null ? null : node.get("credential");
            if (credential == null || !credential.isTextual()) {
                throw new CliException(file + " is not a credential file (no \"credential\" field)");
            }
            return Base64.getUrlDecoder().decode(credential.asText());
        } catch (NoSuchFileException e) {
            throw new CliException("credential file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(file + " is not a readable credential file: " + e.getMessage());
        }
    }
}
