package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassClaims;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A credential on disk: JSON with the COSE bytes in base64url and, for people, what they say. Only
 * {@code credential} is read back; the rest is informational (the verifier trusts the signed bytes alone).
 */
public final class CredentialFile {
    public static final String FORMAT = "checkpass-credential/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CredentialFile() {}

    public static ObjectNode toJson(IssuedCredential issued) {
        PassClaims c = issued.claims();
        ObjectNode node = JSON.createObjectNode()
                .put("format", FORMAT)
                .put("credential", Base64.getUrlEncoder().withoutPadding().encodeToString(issued.encoded()))
                .put("serial", c.serial().hex())
                .put("status", c.status().id())
                .put("statusValidFrom", c.statusValidFrom().toString())
                .put("deviceBound", c.deviceBound())
                .put("issuedAt", c.issuedAt().toString())
                .put("expiresAt", c.expiresAt().toString())
                .put("maskedName", c.display().maskedName())
                .put("birthYear", c.display().birthYear());
        c.statusValidUntil().ifPresent(t -> node.put("statusValidUntil", t.toString()));
        return node;
    }

    public static void write(Path file, IssuedCredential issued) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(issued)) + "\n");
    }

    /**
     * Reads the credential bytes.
     *
     * @throws CliException if the file is missing or not a credential file
     */
    public static byte[] read(Path file) {
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
