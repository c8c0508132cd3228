package io.checkpass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.server.keys.SigningKeyRecord.KeyRole;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle rules: which key signs at t, which keys a bundle lists, which bundle key signs (ADR 14). */
class KeyRingTest {
    static final Es256 ES256 = Es256.select();
    static final Instant START = Instant.parse("2021-01-01T00:00:00Z");
    static final Instant ROTATION = Instant.parse("2021-12-13T03:00:00Z");
    static final Duration LIFETIME = Duration.ofHours(48);

    static SigningKeyRecord key(String alias, KeyRole role, Instant from, Instant until, Instant revokedAt) {
        SigningKey k = KeyStores.generate(ES256, alias, START, START.plus(Duration.ofDays(3650)));
        return new SigningKeyRecord(
                k.id(),
                alias,
                role,
                k.certificate(),
                from,
                from,
                Optional.ofNullable(until),
                Optional.ofNullable(revokedAt),
                Optional.ofNullable(revokedAt).map(at -> "cli:ops"));
    }

    final SigningKeyRecord first = key("issuer", KeyRole.ISSUER, START, ROTATION, null);
    final SigningKeyRecord second = key("issuer-2", KeyRole.ISSUER, ROTATION, null, null);
    final SigningKeyRecord bundle = key("bundle", KeyRole.BUNDLE, START, null, null);
    final KeyRing ring = new KeyRing(List.of(second, first, bundle), LIFETIME);

    @Test
    void the_old_key_signs_up_to_the_rotation_instant_and_the_new_one_from_it() {
        assertThat(ring.issuerAt(ROTATION.minusSeconds(1))).contains(first);
        assertThat(ring.issuerAt(ROTATION))
                .as("windows meet: the newer key signs")
                .contains(second);
        assertThat(ring.issuerAt(ROTATION.plus(Duration.ofDays(30)))).contains(second);
        assertThat(ring.issuerAt(START.minusSeconds(1))).isEmpty();
        assertThat(ring.currentIssuer()).contains(second);
    }

    @Test
    void the_bundle_lists_the_old_key_with_its_window_ending_at_the_rotation_until_its_last_credential_expires() {
        List<IssuerKey> during = ring.bundleIssuerKeys(ROTATION.plus(LIFETIME).minusSeconds(1), "KR");
        assertThat(during).extracting(IssuerKey::id).containsExactly(first.kid(), second.kid());
        assertThat(during.getFirst().notBefore()).isEqualTo(START);
        assertThat(during.getFirst().notAfter()).isEqualTo(ROTATION);
        assertThat(during.getFirst().covers(ROTATION.plusSeconds(1))).isFalse();
        assertThat(during.get(1).notBefore()).isEqualTo(ROTATION);

        assertThat(ring.bundleIssuerKeys(ROTATION.plus(LIFETIME), "KR"))
                .extracting(IssuerKey::id)
                .containsExactly(second.kid());
        assertThat(ring.nextChangeAfter(ROTATION)).contains(ROTATION.plus(LIFETIME));
        assertThat(ring.state(first, ROTATION.plusSeconds(1))).isEqualTo("retired");
        assertThat(ring.state(first, ROTATION.plus(LIFETIME))).isEqualTo("expired");
        assertThat(ring.state(second, ROTATION.plusSeconds(1))).isEqualTo("current");
    }

    @Test
    void a_revoked_key_signs_nothing_leaves_the_key_list_and_is_named_as_revoked() {
        Instant drill = ROTATION.plus(Duration.ofHours(1));
        SigningKeyRecord revoked = key("issuer-2", KeyRole.ISSUER, ROTATION, drill, drill);
        SigningKeyRecord successor = key("issuer-3", KeyRole.ISSUER, drill, null, null);
        KeyRing after = new KeyRing(List.of(first, revoked, successor, bundle), LIFETIME);

        assertThat(after.issuerAt(ROTATION.plusSeconds(60)))
                .as("nothing may sign in its window any more")
                .isEmpty();
        assertThat(after.issuerAt(drill)).contains(successor);
        assertThat(after.bundleIssuerKeys(drill, "KR"))
                .extracting(IssuerKey::id)
                .containsExactly(first.kid(), successor.kid());
        assertThat(after.bundleRevokedKeys(drill)).containsExactly(revoked.kid());
        assertThat(after.bundleRevokedKeys(drill.plus(LIFETIME))).isEmpty();
        assertThat(after.state(revoked, drill)).isEqualTo("revoked");
    }

    @Test
    void the_announced_bundle_key_signs_from_its_switch_instant_and_is_announced_until_then() {
        Instant switchAt = ROTATION.plus(Duration.ofDays(7));
        SigningKeyRecord next = key("bundle-2", KeyRole.BUNDLE, switchAt, null, null);
        KeyRing rolling = new KeyRing(List.of(first, second, bundle, next), LIFETIME);

        assertThat(rolling.bundleKeyAt(switchAt.minusSeconds(1))).contains(bundle);
        assertThat(rolling.announcement(switchAt.minusSeconds(1)).orElseThrow().id())
                .isEqualTo(next.kid());
        assertThat(rolling.bundleKeyAt(switchAt)).contains(next);
        assertThat(rolling.announcement(switchAt)).isEmpty();
        assertThat(rolling.state(next, ROTATION)).isEqualTo("announced");
        assertThat(rolling.state(bundle, switchAt)).isEqualTo("retired");
        assertThat(rolling.nextChangeAfter(ROTATION.plus(LIFETIME))).contains(switchAt);
    }

    @Test
    void aliases_continue_the_first_keys_names() {
        assertThat(ring.nextAlias(KeyRole.ISSUER, Set.of())).isEqualTo("issuer-3");
        assertThat(ring.nextAlias(KeyRole.BUNDLE, Set.of())).isEqualTo("bundle-2");
        assertThat(ring.nextAlias(KeyRole.BUNDLE, Set.of("bundle-2")))
                .as("taken in the vault")
                .isEqualTo("bundle-3");
        assertThat(new KeyRing(List.of(), LIFETIME).nextAlias(KeyRole.ISSUER, Set.of()))
                .isEqualTo("issuer");
    }
}
