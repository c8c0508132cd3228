package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.dcc.DccRevocationList;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.core.foreign.shc.ShcIssuer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "trust",
        mixinStandardHelpOptions = true,
        description = "Manage foreign trust material for the bundle.",
        subcommands = {TrustCommand.Import.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass trust import nzcp testdata/nzcp/spec-examples/valid/did.json \\",
            "      --into foreign.json",
            "  ./checkpass trust help import"
        })
final class TrustCommand {
    private TrustCommand() {}

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Check foreign issuers' material and merge it into a foreign-trust JSON file for 'bundle build --foreign'.",
                "dcc: X.509 signer certificates (PEM, possibly several per file, or DER).",
                "shc: the issuer's key set (jwks.json) and CRL files, with --iss.",
                "nzcp: issuer DID documents.",
                "dcc-revocations: DCC revocation lists as JSON, each {\"kid\": base64, \"hashType\": \"UCI\",",
                "  \"COUNTRYCODEUCI\" or \"SIGNATURE\", \"hashes\": [base64 of 16 bytes, ...]}, or a list of them",
                "  (docs/foreign-passes.md)."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass trust import nzcp testdata/nzcp/spec-examples/valid/did.json \\",
                "      --into foreign.json",
                "  ./checkpass trust import shc \\",
                "      --iss https://spec.smarthealth.cards/examples/issuer \\",
                "      testdata/shc/spec-examples/issuer/.well-known/jwks.json \\",
                "      testdata/shc/spec-examples/issuer/.well-known/crl/*.json \\",
                "      --into foreign.json",
                "  ./checkpass trust import dcc-revocations revoked-de.json --into foreign.json",
                "  ./checkpass bundle build --keys demo-keys --foreign foreign.json \\",
                "      --out bundle.cose"
            })
    static final class Import implements Callable<Integer> {
        private final CliContext context;

        @Parameters(index = "0", paramLabel = "FORMAT", description = "dcc, dcc-revocations, shc or nzcp.")
        String format;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Material to import.")
        List<Path> files = new ArrayList<>();

        @Option(
                names = "--into",
                required = true,
                paramLabel = "FOREIGN_JSON",
                description = "Foreign-trust JSON file to merge into (created if absent).")
        Path into;

        @Option(names = "--iss", paramLabel = "URL", description = "shc: the issuer URL the key set belongs to.")
        String iss;

        Import(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            ForeignTrust trust = Files.exists(into) ? existing() : ForeignTrust.empty();
            String kind = format.toLowerCase(Locale.ROOT);
            if (iss != null && !kind.equals("shc")) {
                throw new CliException("--iss applies to shc only");
            }
            ForeignTrust added = switch (kind) {
                case "dcc" -> dcc();
                case "dcc-revocations" -> dccRevocations();
                case "shc" -> shc();
                case "nzcp" -> nzcp();
                default ->
                    throw new CliException("unknown format '" + format + "'; use dcc, dcc-revocations, shc or nzcp");
            };
            ForeignTrust merged = trust.merge(added);
            CliFiles.writeAtomically(
                    into, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(merged.toJson()));
            context.out()
                    .println(into + ": " + merged.dccSigners().size() + " DCC signers, "
                            + merged.dccRevocationLists().size() + " DCC revocation lists, "
                            + merged.shcIssuers().size() + " SHC issuers, "
                            + merged.nzcpIssuers().size() + " NZCP issuers");
            return 0;
        }

        private ForeignTrust existing() {
            try {
                return ForeignTrust.fromJson(Json.parse(CliFiles.read(into, "foreign trust")));
            } catch (IllegalArgumentException e) {
                throw new CliException("foreign trust file " + into + ": " + e.getMessage());
            }
        }

        private ForeignTrust dcc() {
            ForeignTrust trust = ForeignTrust.empty();
            for (Path file : files) {
                for (X509Certificate certificate : certificates(file)) {
                    trust = trust.withDccSigner(certificate);
                }
            }
            return trust;
        }

        /** Revocation lists: a file holds one list, a JSON list of them, or a foreign-trust file's section. */
        private ForeignTrust dccRevocations() {
            ForeignTrust trust = ForeignTrust.empty();
            for (Path file : files) {
                JsonNode json = json(file);
                if (json.isObject() && json.has(ForeignTrust.DCC_REVOCATIONS)) {
                    json = json.get(ForeignTrust.DCC_REVOCATIONS);
                }
                List<JsonNode> lists = new ArrayList<>();
                if (json.isArray()) {
                    json.forEach(lists::add);
                } else {
                    lists.add(json);
                }
                for (int i = 0; i < lists.size(); i++) {
                    try {
                        trust = trust.withDccRevocations(DccRevocationList.fromJson(lists.get(i)));
                    } catch (IllegalArgumentException e) {
                        throw new CliException(file + (json.isArray() ? " [" + i + "]" : "") + ": " + e.getMessage());
                    }
                }
            }
            return trust;
        }

        private static List<X509Certificate> certificates(Path file) {
            try {
                Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(CliFiles.read(file, "certificate")));
                if (all.isEmpty()) {
                    throw new CliException(file + " holds no certificate");
                }
                return all.stream().map(X509Certificate.class::cast).toList();
            } catch (CertificateException e) {
                throw new CliException(file + " is not a PEM or DER X.509 certificate: " + e.getMessage());
            }
        }

        private ForeignTrust shc() {
            if (iss == null) {
                throw new CliException("shc needs --iss, the issuer URL its key set belongs to");
            }
            List<JsonNode> keySets = new ArrayList<>();
            List<JsonNode> crls = new ArrayList<>();
            for (Path file : files) {
                JsonNode json = json(file);
                if (json.has("keys")) {
                    keySets.add(json);
                } else if (json.has("rids")) {
                    crls.add(json);
                } else {
                    throw new CliException(
                            file + " is neither a key set ({\"keys\": ...}) nor a CRL ({\"rids\": ...})");
                }
            }
            if (keySets.isEmpty()) {
                throw new CliException("shc needs the issuer's key set (jwks.json) among the files");
            }
            ObjectNode jwks = Json.MAPPER.createObjectNode();
            ArrayNode keys = jwks.putArray("keys");
            for (JsonNode set : keySets) {
                if (!(set.get("keys") instanceof ArrayNode list)) {
                    throw new CliException("a key set's \"keys\" must be a list");
                }
                keys.addAll(list);
            }
            try {
                return ForeignTrust.empty().withShcIssuer(new ShcIssuer(iss, jwks, crls));
            } catch (IllegalArgumentException e) {
                throw new CliException("issuer " + iss + ": " + e.getMessage());
            }
        }

        private ForeignTrust nzcp() {
            ForeignTrust trust = ForeignTrust.empty();
            for (Path file : files) {
                try {
                    trust = trust.withNzcpIssuer(NzcpIssuer.of(json(file)));
                } catch (IllegalArgumentException e) {
                    throw new CliException(file + ": " + e.getMessage());
                }
            }
            return trust;
        }

        private static JsonNode json(Path file) {
            try {
                return Json.parse(CliFiles.read(file, "JSON"));
            } catch (IllegalArgumentException e) {
                throw new CliException(file + ": " + e.getMessage());
            }
        }
    }
}
