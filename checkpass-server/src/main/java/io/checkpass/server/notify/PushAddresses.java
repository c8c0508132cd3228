package io.checkpass.server.notify;
/** The push subscriptions a person's wallets registered (their ids are PUSH addresses). */
public interface PushAddresses {
    java.util.List<String> subscriptionIds(io.checkpass.core.registry.PersonId person);
}
