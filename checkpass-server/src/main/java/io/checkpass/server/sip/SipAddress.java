package io.checkpass.server.sip;

import io.checkpass.core.registry.PhoneNumber;
import java.util.Locale;
import java.util.Optional;

/**
 * The value of a From, To or P-Asserted-Identity header: {@code "Name" <sip:user@host;user=phone>;tag=abc} or
 * {@code sip:user@host;tag=abc}. Without angle brackets, parameters after the URI belong to the header
 * (RFC 3261 §20.10), so the tag is found either way.
 */
record SipAddress(String uri, String headerParams) {

    static Optional<SipAddress> parse(String value) {
        String v = value.trim();
        int i = 0;
        if (v.startsWith("\"")) {
            i = 1;
            while (i < v.length() && v.charAt(i) != '"') {
                i += v.charAt(i) == '\\' ? 2 : 1;
            }
            if (i >= v.length()) {
                return Optional.empty();
            }
            i++;
        }
        int open = v.indexOf('<', i);
        if (open >= 0) {
            int close = v.indexOf('>', open);
            if (close < 0) {
                return Optional.empty();
            }
            String uri = v.substring(open + 1, close).trim();
            return uri.isEmpty() || uri.indexOf(':') < 0
                    ? Optional.empty()
                    : Optional.of(new SipAddress(uri, v.substring(close + 1)));
        }
        if (i > 0) {
            return Optional.empty(); // a display name needs the angle brackets
        }
        int semicolon = v.indexOf(';');
        String uri = semicolon < 0 ? v : v.substring(0, semicolon);
        return uri.isEmpty() || uri.indexOf(':') < 0
                ? Optional.empty()
                : Optional.of(new SipAddress(uri, semicolon < 0 ? "" : v.substring(semicolon)));
    }

    Optional<String> tag() {
        for (String p : headerParams.split(";")) {
            String t = p.trim();
            if (t.regionMatches(true, 0, "tag=", 0, 4) && t.length() > 4) {
                return Optional.of(t.substring(4));
            }
        }
        return Optional.empty();
    }

    /** The telephone number this URI names: see {@link #telephoneNumber(String)}. */
    Optional<PhoneNumber> telephoneNumber() {
        return telephoneNumber(uri);
    }

    /**
     * The number in a {@code tel:} URI or in the user part of a {@code sip:}/{@code sips:} URI, read by
     * {@link PhoneNumber#parse}; empty when the URI names none (another scheme, a name such as {@code anonymous},
     * escapes, too few or too many digits).
     */
    static Optional<PhoneNumber> telephoneNumber(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        String user;
        switch (scheme) {
            case "tel" -> user = rest;
            case "sip", "sips" -> {
                int at = rest.lastIndexOf('@');
                if (at < 0) {
                    return Optional.empty();
                }
                user = rest.substring(0, at);
                int password = user.indexOf(':');
                if (password >= 0) {
                    user = user.substring(0, password);
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        int params = user.indexOf(';');
        if (params >= 0) {
            user = user.substring(0, params);
        }
        return PhoneNumber.parse(user).number();
    }

    /** The URI scheme, lower case. */
    String scheme() {
        return uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
    }
}
