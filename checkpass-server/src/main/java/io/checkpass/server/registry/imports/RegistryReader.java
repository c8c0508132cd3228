package io.checkpass.server.registry.imports;

import java.io.IOException;
import java.util.Iterator;

/**
 * Streams registry records out of an import file, one {@link ImportItem} per input record, holding only a bounded
 * window of the input in memory.
 *
 * <p>Bad data never makes {@link #next()} throw: it comes out as {@link ImportItem.Rejected}. A failure of the
 * underlying stream (a disk error, a closed pipe) is not bad data and surfaces as an
 * {@link java.io.UncheckedIOException}. Readers are single-threaded, except {@link #bytesRead()}, which a progress
 * bar may poll from another thread.
 */
public interface RegistryReader extends Iterator<ImportItem>, AutoCloseable {

    /** Bytes consumed from the input so far (read ahead by at most a few buffers): draw progress against the file size. */
    long bytesRead();

    /** Closes the input stream. */
    @Override
    void close() throws IOException;
}
