package io.checkpass.core.crypto;

import java.lang.reflect.InvocationTargetException;
import java.security.Provider;

/**
 * Loads Amazon Corretto Crypto Provider reflectively, so that a build for another platform (where the
 * linux-x86_64 jar is absent) still starts and falls back instead of failing to link.
 */
final class Accp {
    private Accp() {}

    static Provider healthyInstance() {
        try {
            Class<?> type = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(provider);
            if (loadingError != null) {
                throw new IllegalStateException("ACCP native library did not load: " + loadingError);
            }
            type.getMethod("assertHealthy").invoke(provider);
            return provider;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ACCP is not on the class path");
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("ACCP is not healthy: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ACCP API changed: " + e, e);
        }
    }
}
