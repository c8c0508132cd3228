package io.checkpass.server.notify.sms;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.session.connection.socket.SocketConnection;

/**
 * jsmpp's connection factories with {@code TCP_NODELAY} on both sides. jsmpp's own leave Nagle's algorithm on, and a
 * window of one then runs at about 113 messages/s (docs/adr/0017).
 */
final class NoDelaySockets {
    private NoDelaySockets() {}

    /** The client side: connects within {@code connectTimeoutMillis}. */
    static ConnectionFactory client(int connectTimeoutMillis) {
        return (host, port) -> {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
                return new SocketConnection(socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        };
    }

    /** The server side (the in-process SMSC), listening on loopback. */
    static ServerConnectionFactory server() {
        return new ServerConnectionFactory() {
            @Override
            public ServerConnection listen(int port) throws IOException {
                return listen(port, 0, 50);
            }

            @Override
            public ServerConnection listen(int port, int timeout) throws IOException {
                return listen(port, timeout, 50);
            }

            @Override
            public ServerConnection listen(int port, int timeout, int backlog) throws IOException {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port), backlog);
                socket.setSoTimeout(timeout);
                return new ServerSocketConnection(socket) {
                    @Override
                    public Connection accept() throws IOException {
                        Socket s = socket.accept();
                        s.setTcpNoDelay(true);
                        return new SocketConnection(s);
                    }
                };
            }
        };
    }
}
