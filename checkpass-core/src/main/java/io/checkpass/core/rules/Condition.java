package io.checkpass.core.rules;

/**
 * A condition under which a venue admits someone, shown to door staff (e.g. "unvaccinated: eat alone only").
 *
 * @param id   a stable code, e.g. {@code alone_only}
 * @param text what to show, in Korean and English
 */
public record Condition(String id, LocalizedText text) {}
