package io.checkpass.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection, blocking, for one virtual thread of a load driver. The JDK HttpClient spends
 * about a millisecond of CPU per request on this machine, which would make the driver, not the server, the
 * thing measured; this client writes the request bytes and reads the status, headers and body, nothing more.
 * Only what our server sends is supported: Content-Length bodies (no chunking), HTTP/1.1.
 */
public final class KeepAliveHttp implements AutoCloseable {
    /** A response: status, the Retry-After header if any, and the body. */
    public record Response(int status, int retryAfterSeconds, byte[] body) {
        /** No answer: the connection was refused, broke or timed out. */
        static final Response NONE = new Response(-1, -1, new byte[0]);

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    public KeepAliveHttp(URI base, int timeoutMillis) {
        this.host = base.getHost();
        this.port = base.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    Response post(String path, String authorization, byte[] body) throws IOException {
        return send("POST", path, authorization, body);
    }

    /** As {@link #post}, with a failure to get any answer reported as status -1 (the caller retries). */
    public Response tryPost(String path, String authorization, byte[] body) {
        try {
            return send("POST", path, authorization, body);
        } catch (IOException | RuntimeException e) {
            return Response.NONE;
        }
    }

    /** A GET, status -1 when there is no answer. */
    public Response tryGet(String path, String authorization) {
        try {
            return send("GET", path, authorization, null);
        } catch (IOException | RuntimeException e) {
            return Response.NONE;
        }
    }

    private Response send(String method, String path, String authorization, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            StringBuilder head = new StringBuilder(256)
                    .append(method)
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(host)
                    .append(':')
                    .append(port)
                    .append("\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(body.length)
                        .append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private Response read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = 0;
        int retryAfter = -1;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Retry-After")) {
                retryAfter = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the middle of a response body");
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, retryAfter, body);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing more to do
            }
            socket = null;
        }
    }
}
