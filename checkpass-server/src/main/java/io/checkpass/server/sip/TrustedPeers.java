package io.checkpass.server.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The addresses allowed to send the 안심콜 endpoint SIP: the telco trunk's, as CIDR blocks. A call-in is only as
 * true as its caller id, and the caller id is only as true as whoever put it in the INVITE: a forged
 * {@code P-Asserted-Identity} from anywhere else would log a visit for any phone at any venue. So requests from an
 * address outside these blocks are dropped unanswered (an answer to a forged source is a reflection) and never
 * logged as check-ins.
 *
 * @param blocks the trusted blocks; {@link #LOOPBACK} when the endpoint listens on this machine only
 */
public record TrustedPeers(List<Block> blocks) {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** This machine only: what a loopback-bound endpoint trusts when nothing else is configured. */
    public static final TrustedPeers LOOPBACK = parse("127.0.0.0/8, ::1/128");

    /** One CIDR block: the first {@code prefix} bits of {@code network}. */
    public record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    public TrustedPeers {
        blocks = List.copyOf(blocks);
    }

    /**
     * Reads a comma-separated list of CIDR blocks or single addresses, IPv4 or IPv6, e.g.
     * {@code 203.0.113.0/24, 2001:db8::/32, 198.51.100.7}. Literal addresses only: a name would be resolved once,
     * and trust would then follow whoever controls that name.
     *
     * @throws IllegalArgumentException naming the entry that is not a block
     */
    public static TrustedPeers parse(String text) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!IP_LITERAL.matcher(address).matches()) {
                throw new IllegalArgumentException(
                        "'" + trimmed + "' is not an IP address or CIDR block, e.g. 203.0.113.0/24 or 2001:db8::/32");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + trimmed + "' is not an IP address", e);
            }
            int prefix;
            try {
                prefix = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + trimmed + "' has no prefix length after the '/'", e);
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException(
                        "'" + trimmed + "' has a prefix length outside 0.." + network.length * 8);
            }
            blocks.add(new Block(network, prefix));
        }
        return new TrustedPeers(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether a request from {@code address} may be heard. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
