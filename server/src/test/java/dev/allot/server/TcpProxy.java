package dev.allot.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A TCP proxy in front of a server, for fault tests: it forwards, or {@link #cut()}s every
 * connection and refuses new ones (a stopped or unreachable database), or {@link #freeze()}s (keeps
 * every socket open and accepts new ones, but forwards nothing: a database under SIGSTOP, or a
 * network that drops packets), until {@link #restore()}. One virtual thread per direction.
 */
final class TcpProxy implements AutoCloseable, AfterEachCallback {
  private enum Mode {
    FORWARD,
    CUT,
    FROZEN
  }

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.FORWARD;
  private volatile boolean closed;

  /**
   * A proxy to {@code upstreamHost:upstreamPort} on a free port of the loopback address; closed
   * after each test.
   */
  TcpProxy(String upstreamHost, int upstreamPort) {
    this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Thread.ofVirtual().name("proxy-accept").start(this::accept);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  int port() {
    return listener.getLocalPort();
  }

  void cut() {
    setMode(Mode.CUT);
    open.forEach(TcpProxy::closeQuietly);
  }

  void freeze() {
    setMode(Mode.FROZEN);
  }

  void restore() {
    setMode(Mode.FORWARD);
  }

  private void setMode(Mode next) {
    mode = next;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.CUT) {
        closeQuietly(client);
        continue;
      }
      open.add(client);
      Thread.ofVirtual().name("proxy-connect").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket server = new Socket();
    open.add(server);
    try {
      server.connect(upstream, 5_000);
    } catch (IOException e) {
      closePair(client, server);
      return;
    }
    Thread.ofVirtual().name("proxy-up").start(() -> pump(client, server));
    Thread.ofVirtual().name("proxy-down").start(() -> pump(server, client));
  }

  /**
   * Copies {@code from} to {@code to}; what arrives while frozen waits, and a cut ends both
   * sockets.
   */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        awaitForwarding();
        if (mode == Mode.CUT || closed) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the other side, a cut or close() ended it
    } finally {
      closePair(from, to);
    }
  }

  private void awaitForwarding() throws InterruptedException {
    while (mode == Mode.FROZEN && !closed) {
      Thread.sleep(10);
    }
  }

  private void closePair(Socket one, Socket other) {
    closeQuietly(one);
    closeQuietly(other);
    open.remove(one);
    open.remove(other);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    setMode(Mode.CUT);
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(TcpProxy::closeQuietly);
  }
}
