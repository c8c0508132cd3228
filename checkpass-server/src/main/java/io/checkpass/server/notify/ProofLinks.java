package io.checkpass.server.notify;
/** Makes the short, unguessable, single-purpose link to a person's paper pass that an SMS carries. */
public interface ProofLinks {
    /** The link, or empty when the person has no status a paper pass can show. */
    java.util.Optional<java.net.URI> paperPassLink(io.checkpass.core.registry.PersonId person);
}
