package io.checkpass.core.codec;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes one CBOR item with definite lengths and shortest integer encodings (RFC 8949 §4.2.1 core deterministic
 * encoding, given that callers write map keys in ascending order), so signed bytes are reproducible.
 */
public final class CborWriter {
    private final ByteArrayOutputStream out;
    private final CBORGenerator gen;

    public CborWriter(int sizeHint) {
        out = new ByteArrayOutputStream(sizeHint);
        try {
            gen = Cbor.FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Write {
        void to(CBORGenerator gen) throws IOException;
    }

    /** Writing to memory cannot fail for I/O reasons; a failure here is a bug, surfaced unchecked. */
    private CborWriter write(Write step) {
        try {
            step.to(gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CborWriter array(int size) {
        return write(g -> g.writeStartArray(null, size));
    }

    public CborWriter endArray() {
        return write(CBORGenerator::writeEndArray);
    }

    public CborWriter map(int size) {
        return write(g -> g.writeStartObject(null, size));
    }

    public CborWriter endMap() {
        return write(CBORGenerator::writeEndObject);
    }

    public CborWriter key(long key) {
        return write(g -> g.writeFieldId(key));
    }

    public CborWriter bytes(byte[] value) {
        return write(g -> g.writeBinary(value));
    }

    public CborWriter integer(long value) {
        return write(g -> g.writeNumber(value));
    }

    public CborWriter text(String value) {
        return write(g -> g.writeString(value));
    }

    public CborWriter bool(boolean value) {
        return write(g -> g.writeBoolean(value));
    }

    /** Finishes and returns the encoded item. */
    public byte[] toBytes() {
        write(CBORGenerator::close);
        return out.toByteArray();
    }
}
