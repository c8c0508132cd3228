package io.checkpass.server.registry.imports;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * An input stream that makes its content on demand, unit by unit (a CSV row, a Bundle entry), and counts how many
 * units it has handed out: a reader that holds only a few units can then be told from one that reads everything.
 */
final class GeneratedInput extends InputStream {
    private final String head;
    private final LongFunction<String> unit;
    private final long units;
    private final String tail;
    private byte[] current;
    private int pos;
    private long made;
    private boolean tailDone;

    GeneratedInput(String head, LongFunction<String> unit, long units, String tail) {
        this.head = head;
        this.unit = unit;
        this.units = units;
        this.tail = tail;
        this.current = head.getBytes(StandardCharsets.UTF_8);
    }

    /** Units handed out so far (some may still sit in the reader's buffers). */
    long unitsMade() {
        return made;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos == current.length) {
            if (made < units) {
                current = unit.apply(made++).getBytes(StandardCharsets.UTF_8);
            } else if (!tailDone) {
                tailDone = true;
                current = tail.getBytes(StandardCharsets.UTF_8);
            } else {
                return -1;
            }
            pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
