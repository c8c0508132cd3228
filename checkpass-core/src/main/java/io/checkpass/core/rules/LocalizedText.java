package io.checkpass.core.rules;

import java.util.Objects;

/** A text in Korean and English; every message a holder or door staff sees comes in both. */
public record LocalizedText(String ko, String en) {
    public LocalizedText {
        Objects.requireNonNull(ko, "ko");
        Objects.requireNonNull(en, "en");
    }
}
