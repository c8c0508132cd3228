package io.checkpass.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start-up has opened so far, closed in reverse order: by {@link #close()} at shutdown, and at once when
 * start-up fails halfway, so a failed start leaves no database, thread or port behind.
 */
public final class OpenedResources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenedResources.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Remembers {@code resource} to close it before everything opened earlier; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes everything, newest first; a failure to close one is logged and the rest are still closed. */
    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", resource, e.toString());
            }
        }
    }
}
