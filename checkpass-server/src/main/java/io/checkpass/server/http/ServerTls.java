package io.checkpass.server.http;

import io.checkpass.server.config.CheckpassConfig;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import java.nio.file.Files;

/**
 * The HTTPS listener's TLS from the configured PEM certificate chain and private key. HTTP/2 is offered through
 * ALPN (helidon-webserver-http2 is on the class path), HTTP/1.1 otherwise.
 */
public final class ServerTls {
    /** One year, and for subdomains: once a browser has seen the centre over HTTPS it never tries plain HTTP. */
    public static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

    private ServerTls() {}

    /**
     * Reads the PEM files.
     *
     * @throws IllegalStateException naming the config key and the fix when a file is not a PEM certificate or key
     */
    public static Tls of(CheckpassConfig.Tls config) {
        Keys keys;
        try {
            keys = Keys.builder()
                    .pem(pem -> pem.key(Resource.create(config.privateKey()))
                            .certChain(Resource.create(config.certificateChain())))
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the TLS certificate or key (server.tls-cert = " + config.certificateChain()
                            + ", server.tls-key = " + config.privateKey() + "): " + e.getMessage()
                            + "; give a PEM certificate chain and its unencrypted PKCS#8 PEM private key",
                    e);
        }
        if (keys.privateKey().isEmpty()) {
            throw new IllegalStateException("server.tls-key = " + config.privateKey()
                    + " holds no private key; give an unencrypted PKCS#8 PEM key ('BEGIN PRIVATE KEY')");
        }
        if (keys.certChain().isEmpty()) {
            throw new IllegalStateException("server.tls-cert = " + config.certificateChain()
                    + " holds no certificate; give the PEM certificate chain ('BEGIN CERTIFICATE')");
        }
        if (!Files.isRegularFile(config.privateKey())) {
            throw new IllegalStateException("server.tls-key = " + config.privateKey() + " is not a file");
        }
        return Tls.builder()
                .privateKey(keys.privateKey().get())
                .privateKeyCertChain(keys.certChain())
                .build();
    }
}
