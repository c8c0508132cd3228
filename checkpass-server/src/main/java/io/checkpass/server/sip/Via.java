package io.checkpass.server.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One Via value: {@code SIP/2.0/UDP host[:port];branch=z9hG4bK...;rport}. Parsed for the transaction key
 * (branch, sent-by) and for the response address (RFC 3261 §18.2.2, RFC 3581).
 *
 * @param transport upper case: UDP, TCP, ...
 * @param params    in order as sent; a value-less parameter has an empty value
 */
record Via(String transport, String host, OptionalInt port, List<Param> params) {
    static final String MAGIC_COOKIE = "z9hG4bK";

    record Param(String name, Optional<String> value) {}

    Via {
        params = List.copyOf(params);
    }

    static Optional<Via> parse(String value) {
        int semicolon = value.indexOf(';');
        String head = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
        // LWS may surround the slashes of sent-protocol: "SIP / 2.0 / UDP host".
        String compact = head.replaceAll("\\s*/\\s*", "/");
        int space = compact.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String[] protocol = compact.substring(0, space).split("/");
        if (protocol.length != 3
                || !protocol[0].equalsIgnoreCase("SIP")
                || !protocol[1].equals("2.0")
                || !isToken(protocol[2])) {
            return Optional.empty();
        }
        String sentBy = compact.substring(space + 1).trim();
        String host;
        String portText = null;
        if (sentBy.startsWith("[")) {
            int close = sentBy.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = sentBy.substring(0, close + 1);
            if (close + 1 < sentBy.length()) {
                if (sentBy.charAt(close + 1) != ':') {
                    return Optional.empty();
                }
                portText = sentBy.substring(close + 2);
            }
        } else {
            int colon = sentBy.indexOf(':');
            host = colon < 0 ? sentBy : sentBy.substring(0, colon);
            portText = colon < 0 ? null : sentBy.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            return Optional.empty();
        }
        OptionalInt port = OptionalInt.empty();
        if (portText != null) {
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
                return Optional.empty();
            }
            port = OptionalInt.of(Integer.parseInt(portText));
        }
        List<Param> params = new ArrayList<>();
        if (semicolon >= 0) {
            for (String p : value.substring(semicolon + 1).split(";")) {
                String t = p.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int eq = t.indexOf('=');
                String name = (eq < 0 ? t : t.substring(0, eq)).trim();
                if (!isToken(name)) {
                    return Optional.empty();
                }
                params.add(new Param(
                        SipRequest.lower(name),
                        eq < 0
                                ? Optional.empty()
                                : Optional.of(t.substring(eq + 1).trim())));
            }
        }
        return Optional.of(new Via(protocol[2].toUpperCase(Locale.ROOT), host, port, params));
    }

    Optional<String> param(String name) {
        return params.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .map(p -> p.value().orElse(""));
    }

    Optional<String> branch() {
        return param("branch").filter(b -> !b.isEmpty());
    }

    /** True when the branch marks an RFC 3261 client, whose branch alone identifies the transaction. */
    boolean rfc3261Branch() {
        return branch().map(b -> b.startsWith(MAGIC_COOKIE)).orElse(false);
    }

    String sentBy() {
        return port.isPresent() ? host + ":" + port.getAsInt() : host;
    }

    /**
     * This Via as the top Via of a response to a request that came from {@code sourceIp:sourcePort}:
     * {@code received} is added when the sent-by host is not the source address (RFC 3261 §18.2.1), and an empty
     * {@code rport} is filled in with the source port (RFC 3581 §4, which also requires {@code received}).
     */
    String forResponse(String sourceIp, int sourcePort) {
        boolean rport = param("rport").isPresent();
        boolean addReceived = rport || !unbracketed(host).equalsIgnoreCase(sourceIp);
        StringBuilder out =
                new StringBuilder("SIP/2.0/").append(transport).append(' ').append(sentBy());
        for (Param p : params) {
            if (p.name().equals("received") && addReceived) {
                continue;
            }
            if (p.name().equals("rport")) {
                out.append(";rport=").append(sourcePort);
            } else {
                out.append(';').append(p.name());
                p.value().ifPresent(v -> out.append('=').append(v));
            }
        }
        if (addReceived) {
            out.append(";received=").append(sourceIp);
        }
        return out.toString();
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-.!%*_+`'~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
