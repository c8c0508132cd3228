package io.checkpass.core.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/** The one configured Jackson CBOR factory and mapper, shared because they are thread-safe and costly to build. */
public final class Cbor {
    /**
     * Passes and bundles nest at most four levels; 16 leaves room for foreign formats while stopping
     * stack-exhaustion inputs long before they matter.
     */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(16)
            .maxStringLength(8 * 1024 * 1024)
            .maxNumberLength(64)
            .build();

    public static final CBORFactory FACTORY =
            CBORFactory.builder().streamReadConstraints(LIMITS).build();
    public static final CBORMapper MAPPER = new CBORMapper(FACTORY);

    private Cbor() {}
}
