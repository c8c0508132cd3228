package io.checkpass.core.foreign.dcc;

import java.util.List;

/**
 * The three kinds of EU Digital COVID Certificate, with the extended-key-usage OIDs a signer certificate uses to
 * restrict itself to some of them (HCERT spec §5.1). Issuers used two encodings of the same arc; both count.
 */
public enum DccType {
    TEST("t", "1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"),
    VACCINATION("v", "1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"),
    RECOVERY("r", "1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3");

    private final String field;
    private final List<String> keyUsageOids;

    DccType(String field, String... keyUsageOids) {
        this.field = field;
        this.keyUsageOids = List.of(keyUsageOids);
    }

    /** The payload field that holds entries of this type: {@code v}, {@code t} or {@code r}. */
    public String field() {
        return field;
    }

    /** Whether {@code oid} is one of this type's key-usage OIDs. */
    public boolean isKeyUsage(String oid) {
        return keyUsageOids.contains(oid);
    }

    /** Whether {@code oid} is a DCC key-usage OID of any type. */
    public static boolean isAnyKeyUsage(String oid) {
        for (DccType type : values()) {
            if (type.isKeyUsage(oid)) {
                return true;
            }
        }
        return false;
    }
}
