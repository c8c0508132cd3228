package io.checkpass.server.keys;

/** A key change the lifecycle refuses (nothing changed); the message says why and what to do, in Korean and English. */
public final class KeyChangeRefused extends RuntimeException {
    public KeyChangeRefused(String message) {
        super(message);
    }
}
