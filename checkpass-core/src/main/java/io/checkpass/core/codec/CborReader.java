package io.checkpass.core.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict pull reader over one CBOR item. Every method states the type it expects and throws
 * {@link CborException} on anything else, so a codec reads like its CDDL and malformed input can only end as a
 * typed error, never as a half-read structure.
 *
 * <p>Integer map keys come back as ints (Jackson exposes them as field names; this class parses them back).
 */
public final class CborReader {
    private final CBORParser parser;
    private JsonToken current;

    private CborReader(CBORParser parser) {
        this.parser = parser;
    }

    /** A reader over {@code data[offset, offset+length)}. */
    public static CborReader of(byte[] data, int offset, int length) {
        try {
            return new CborReader(Cbor.FACTORY.createParser(data, offset, length));
        } catch (IOException e) {
            throw new CborException("cannot read CBOR", e);
        }
    }

    public static CborReader of(byte[] data) {
        return of(data, 0, data.length);
    }

    private JsonToken advance() {
        try {
            current = parser.nextToken();
            return current;
        } catch (IOException | RuntimeException e) {
            throw new CborException("malformed CBOR: " + e.getMessage(), e);
        }
    }

    private void expect(JsonToken expected, String what) {
        JsonToken t = advance();
        if (t != expected) {
            throw new CborException("expected " + what + " but found " + describe(t));
        }
    }

    private static String describe(JsonToken t) {
        return t == null ? "end of input" : t.name();
    }

    /** The CBOR tag on the item just begun or read (the outermost if it has several), or -1 if it has none. */
    public int tag() {
        return parser.getCurrentTag();
    }

    /** How many CBOR tags the item just begun or read carries. */
    public int tagCount() {
        var tags = parser.getCurrentTags();
        return tags == null ? 0 : tags.size();
    }

    /** Whether {@code tag} is among the tags on the item just begun or read. */
    public boolean hasTag(int tag) {
        var tags = parser.getCurrentTags();
        return tags != null && tags.contains(tag);
    }

    public void beginArray() {
        expect(JsonToken.START_ARRAY, "an array");
    }

    /** Consumes the array's end; anything else left in the array is an error. */
    public void endArray() {
        expect(JsonToken.END_ARRAY, "the end of the array");
    }

    public void beginMap() {
        expect(JsonToken.START_OBJECT, "a map");
    }

    /**
     * The next integer key of the current map, or {@code Integer.MIN_VALUE} at the map's end.
     *
     * @throws CborException if the key is not an integer
     */
    public int nextIntKey() {
        JsonToken t = advance();
        if (t == JsonToken.END_OBJECT) {
            return Integer.MIN_VALUE;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw new CborException("expected a map key but found " + describe(t));
        }
        try {
            return Integer.parseInt(parser.currentName());
        } catch (IOException | NumberFormatException e) {
            throw new CborException("map key is not an integer");
        }
    }

    /** The next text key of the current map, or null at the map's end. */
    public String nextTextKey() {
        JsonToken t = advance();
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw new CborException("expected a map key but found " + describe(t));
        }
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw new CborException("unreadable map key", e);
        }
    }

    /** Reads a byte string of at most {@code maxLength} bytes. */
    public byte[] readBytes(int maxLength) {
        expect(JsonToken.VALUE_EMBEDDED_OBJECT, "a byte string");
        return currentBytes(maxLength);
    }

    private byte[] currentBytes(int maxLength) {
        try {
            Object value = parser.getEmbeddedObject();
            if (!(value instanceof byte[] bytes)) {
                throw new CborException("expected a byte string");
            }
            if (bytes.length > maxLength) {
                throw new CborException("byte string of " + bytes.length + " bytes exceeds " + maxLength);
            }
            return bytes;
        } catch (IOException e) {
            throw new CborException("unreadable byte string", e);
        }
    }

    /** Reads one byte string, or an array of 1..maxCount of them (COSE allows both forms for x5chain). */
    public List<byte[]> readOneOrMoreBytes(int maxLength, int maxCount) {
        JsonToken t = advance();
        if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
            return List.of(currentBytes(maxLength));
        }
        if (t != JsonToken.START_ARRAY) {
            throw new CborException("expected a byte string or an array of them but found " + describe(t));
        }
        var out = new ArrayList<byte[]>();
        while (advance() == JsonToken.VALUE_EMBEDDED_OBJECT) {
            if (out.size() == maxCount) {
                throw new CborException("more than " + maxCount + " byte strings");
            }
            out.add(currentBytes(maxLength));
        }
        if (current != JsonToken.END_ARRAY || out.isEmpty()) {
            throw new CborException("expected a non-empty array of byte strings");
        }
        return List.copyOf(out);
    }

    /**
     * Moves to the next item of the current array. Returns false, having consumed it, at the array's end;
     * otherwise true, leaving the item to a {@code current*} method.
     */
    public boolean advanceUnlessArrayEnd() {
        return advance() != JsonToken.END_ARRAY;
    }

    /** Reads the item {@link #advanceUnlessArrayEnd} stopped at as an integer in {@code [min, max]}. */
    public long currentLong(long min, long max) {
        long v = currentLong();
        if (v < min || v > max) {
            throw new CborException("integer " + v + " outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** Reads an integer that fits a long (major types 0 and 1). */
    public long readLong() {
        advance();
        return currentLong();
    }

    private long currentLong() {
        if (current != JsonToken.VALUE_NUMBER_INT) {
            throw new CborException("expected an integer but found " + describe(current));
        }
        try {
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new CborException("integer out of range");
            }
            return parser.getLongValue();
        } catch (IOException e) {
            throw new CborException("unreadable integer", e);
        }
    }

    /** Reads an integer in {@code [min, max]}. */
    public long readLong(long min, long max) {
        advance();
        return currentLong(min, max);
    }

    /** Reads a number (integer or float) as a double, for formats such as SHC whose times may be fractional. */
    public double readNumber() {
        JsonToken t = advance();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new CborException("expected a number but found " + describe(t));
        }
        try {
            return parser.getDoubleValue();
        } catch (IOException e) {
            throw new CborException("unreadable number", e);
        }
    }

    /** Reads a text string of at most {@code maxChars} characters. */
    public String readText(int maxChars) {
        expect(JsonToken.VALUE_STRING, "a text string");
        try {
            String s = parser.getText();
            if (s.length() > maxChars) {
                throw new CborException("text of " + s.length() + " characters exceeds " + maxChars);
            }
            return s;
        } catch (IOException e) {
            throw new CborException("unreadable text", e);
        }
    }

    public boolean readBoolean() {
        JsonToken t = advance();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw new CborException("expected a boolean but found " + describe(t));
    }

    /** Skips the next item, however deep (bounded by the factory's nesting limit). */
    public void skipValue() {
        JsonToken t = advance();
        if (t == null || t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
            throw new CborException("expected a value but found " + describe(t));
        }
        try {
            parser.skipChildren();
        } catch (IOException | RuntimeException e) {
            throw new CborException("malformed CBOR: " + e.getMessage(), e);
        }
    }

    /** Fails unless the input holds nothing after the item just read. */
    public void expectEnd() {
        if (advance() != null) {
            throw new CborException("trailing data after the CBOR item");
        }
    }
}
