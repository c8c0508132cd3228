package io.checkpass.server.notify.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.EcPoints;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 8291's appendix A, byte for byte, and round trips through the browser's half ({@link PushReceiver}). */
class WebPushEncryptionTest {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    // RFC 8291 appendix A, "Push Message Encryption Example".
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String AS_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private static final String UA_PUBLIC =
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String BODY =
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    private static ECPrivateKey privateKey(String d) throws Exception {
        return (ECPrivateKey) KeyFactory.getInstance("EC")
                .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, B64.decode(d)), EcPoints.P256));
    }

    private static ECPublicKey publicKey(String point) throws Exception {
        return (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(EcPoints.decode(B64.decode(point)), EcPoints.P256));
    }

    @Test
    void encrypts_rfc_8291_appendix_a_byte_for_byte() throws Exception {
        KeyPair sender = new KeyPair(publicKey(AS_PUBLIC), privateKey(AS_PRIVATE));

        byte[] body = WebPushEncryption.encrypt(
                PLAINTEXT.getBytes(StandardCharsets.US_ASCII),
                B64.decode(UA_PUBLIC),
                B64.decode(AUTH_SECRET),
                sender,
                B64.decode(SALT));

        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body)).isEqualTo(BODY);
    }

    @Test
    void the_browser_opens_the_rfc_example_with_its_private_key() throws Exception {
        var browser = new PushReceiver(privateKey(UA_PRIVATE), B64.decode(UA_PUBLIC), B64.decode(AUTH_SECRET));

        assertThat(new String(browser.decrypt(B64.decode(BODY)), StandardCharsets.US_ASCII))
                .isEqualTo(PLAINTEXT);
    }

    @Test
    void fresh_keys_and_salt_each_time_and_the_subscription_opens_every_one() throws Exception {
        var browser = PushReceiver.fresh();
        var encryption = new WebPushEncryption(new SecureRandom());
        byte[] message = "{\"title\":\"방역패스\",\"body\":\"유효기간이 7일 남았습니다\"}".getBytes(StandardCharsets.UTF_8);

        byte[] first = encryption.encrypt(message, browser.publicKey, browser.authSecret);
        byte[] second = encryption.encrypt(message, browser.publicKey, browser.authSecret);

        assertThat(first).isNotEqualTo(second);
        assertThat(browser.decrypt(first)).isEqualTo(message);
        assertThat(browser.decrypt(second)).isEqualTo(message);
        byte[] longest = new byte[WebPushEncryption.MAX_PLAINTEXT_BYTES];
        assertThat(encryption.encrypt(longest, browser.publicKey, browser.authSecret))
                .as("the longest message fills a 4096-byte body exactly")
                .hasSize(4096);
    }

    @Test
    void refuses_what_does_not_fit_one_record_and_keys_not_on_the_curve() throws Exception {
        var browser = PushReceiver.fresh();
        var encryption = new WebPushEncryption(new SecureRandom());
        assertThatThrownBy(() -> encryption.encrypt(
                        new byte[WebPushEncryption.MAX_PLAINTEXT_BYTES + 1], browser.publicKey, browser.authSecret))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] offCurve = browser.publicKey.clone();
        offCurve[64] ^= 1;
        assertThatThrownBy(() -> encryption.encrypt(new byte[10], offCurve, browser.authSecret))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
