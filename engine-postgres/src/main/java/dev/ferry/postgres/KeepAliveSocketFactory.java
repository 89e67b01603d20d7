package dev.ferry.postgres;

import jdk.net.ExtendedSocketOptions;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketOption;

/**
 * The sockets of every connection Ferry opens to PostgreSQL (its own and Debezium's), given to
 * pgjdbc as {@code socketFactory}: TCP keepalive that notices a server gone without closing the
 * connection (a crashed host, a dropped NAT entry: a half-open connection) after about
 * {@value #IDLE_SECONDS} + {@value #COUNT} x {@value #INTERVAL_SECONDS} seconds of silence, where
 * the operating system's defaults take over two hours. A read blocked on such a connection then
 * fails like any lost connection (and is retried as one) instead of hanging a stop or a batch.
 *
 * <p>Unlike a {@code socketTimeout}, this never ends a healthy connection that waits long for a
 * long statement: the server's TCP stack answers the probes however busy the backend is. Where the
 * platform does not offer an option (they are Linux, macOS and Windows options of the JDK) the
 * operating system's value stays. pgjdbc instantiates this class by name; it must stay public.
 */
public final class KeepAliveSocketFactory extends SocketFactory {

    static final int IDLE_SECONDS = 60;
    static final int INTERVAL_SECONDS = 10;
    static final int COUNT = 6;

    public KeepAliveSocketFactory() {
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket s = new Socket();
        s.setKeepAlive(true);
        set(s, ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
        set(s, ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
        set(s, ExtendedSocketOptions.TCP_KEEPCOUNT, COUNT);
        return s;
    }

    private static void set(Socket s, SocketOption<Integer> option, int value) throws IOException {
        if (s.supportedOptions().contains(option)) {
            s.setOption(option, value);
        }
    }

    // pgjdbc only calls createSocket() and connects the socket itself; the rest is SocketFactory's contract.

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }
}
