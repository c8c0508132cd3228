package io.checkpass.server.db;

/** PostgreSQL's COPY text format for one field: {@code \N} for null, backslash, tab and line ends escaped. */
public final class CopyText {
    private CopyText() {}

    /** Appends {@code value} (null for SQL NULL) as a COPY text field; returns {@code out}. */
    public static StringBuilder append(StringBuilder out, String value) {
        if (value == null) {
            return out.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
    }
}
