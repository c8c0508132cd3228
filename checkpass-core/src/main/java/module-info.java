/**
 * checkpass core: the pass and everything the door needs — codecs, crypto, the trust bundle, the rules, the status
 * engine and the offline verifier. No framework, no JDBC, no HTTP, no image code.
 *
 * <p>Every package below is used by the server, the conformance module or the benchmarks, so every package is
 * exported; what is internal is kept package-private inside it (the ACCP loader, the signer pool, the rules' JSON
 * reading and timelines, the status windows, the replay memory, the PS256 and FHIR helpers of the foreign readers).
 * The server and the tools run on the class path, where this descriptor is not enforced; it states the public
 * face, and {@code javac} holds core to it.
 */
module io.checkpass.core {
    exports io.checkpass.core.codec;
    exports io.checkpass.core.crypto;
    exports io.checkpass.core.foreign;
    exports io.checkpass.core.foreign.dcc;
    exports io.checkpass.core.foreign.nzcp;
    exports io.checkpass.core.foreign.shc;
    exports io.checkpass.core.pass;
    exports io.checkpass.core.registry;
    exports io.checkpass.core.rules;
    exports io.checkpass.core.status;
    exports io.checkpass.core.time;
    exports io.checkpass.core.trust;
    exports io.checkpass.core.verify;

    // Jackson types are part of the API: JsonNode and ObjectNode (Json, the rules, the foreign readers), and
    // Cbor's CBORFactory and CBORMapper.
    requires transitive com.fasterxml.jackson.databind;
    requires transitive com.fasterxml.jackson.dataformat.cbor;
    requires com.fasterxml.jackson.core;
    requires com.github.benmanes.caffeine;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.slf4j;
    // DSC subject names (DccSigner) are read with javax.naming.ldap.
    requires java.naming;
    // Loaded reflectively by crypto.Accp and optional at run time: a platform without the linux-x86_64 jar falls
    // back to BouncyCastle, then SunEC.
    requires static com.amazon.corretto.crypto.provider;
}
