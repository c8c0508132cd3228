package io.checkpass.server.registry.imports;

import java.util.Locale;

/** The columns of the registry CSV format (docs/import.md). A file's header names the columns it uses, in any order. */
public enum CsvColumn {
    KIND,
    PERSON_ID,
    NAME,
    BIRTH_DATE,
    PHONE,
    VACCINE,
    DOSE,
    VACCINATED_ON,
    TEST,
    RESULT,
    RESULT_AT,
    RELEASED_ON,
    VALID_FROM,
    VALID_UNTIL,
    REASON;

    /** The name in the header row, e.g. {@code birth_date}. */
    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The column a header cell names (trimmed, case-insensitive), or null. */
    static CsvColumn ofHeader(String cell) {
        String name = cell.strip().toUpperCase(Locale.ROOT);
        for (CsvColumn c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** How problems name the column: {@code column 'birth_date'}. */
    String label() {
        return "column '" + header() + "'";
    }
}
