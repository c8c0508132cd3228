package io.checkpass.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * DEFLATE decompression with a hard bound on the output, for untrusted input: a few hundred bytes of QR code can
 * inflate to gigabytes, so inflation stops, and fails, as soon as the output would pass the bound. EU DCCs use the
 * zlib wrapper (RFC 1950), SMART Health Cards raw DEFLATE (RFC 1951).
 */
public final class BoundedInflater {
    private BoundedInflater() {}

    /**
     * Inflates zlib-wrapped data, checking its Adler-32.
     *
     * @throws IllegalArgumentException if the data is not complete zlib data or inflates beyond {@code maxOutput}
     */
    public static byte[] zlib(byte[] data, int maxOutput) {
        return inflate(new Inflater(false), data, maxOutput);
    }

    /**
     * Inflates raw DEFLATE data.
     *
     * @throws IllegalArgumentException if the data is not a complete DEFLATE stream or inflates beyond {@code maxOutput}
     */
    public static byte[] raw(byte[] data, int maxOutput) {
        return inflate(new Inflater(true), data, maxOutput);
    }

    private static byte[] inflate(Inflater inflater, byte[] data, int maxOutput) {
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxOutput, Math.max(64, data.length * 4)));
            byte[] chunk = new byte[Math.min(maxOutput + 1, 8192)];
            while (!inflater.finished()) {
                int room = maxOutput + 1 - out.size();
                int n = inflater.inflate(chunk, 0, Math.min(chunk.length, room));
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("compressed data ends before the end of the stream");
                }
                out.write(chunk, 0, n);
                if (out.size() > maxOutput) {
                    throw new IllegalArgumentException("data inflates beyond the limit of " + maxOutput + " bytes");
                }
            }
            if (inflater.getRemaining() > 0) {
                throw new IllegalArgumentException(
                        inflater.getRemaining() + " bytes follow the end of the compressed stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not DEFLATE data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
