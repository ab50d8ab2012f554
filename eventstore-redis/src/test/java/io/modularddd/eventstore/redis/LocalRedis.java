package io.modularddd.eventstore.redis;

import io.modularddd.testkit.ServiceFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A {@code redis-server} process a test starts for itself, on a free port in a temporary directory,
 * so that tests which rename commands, form a cluster, kill or pause the server never touch the
 * shared one. {@link #close()} kills it and deletes the directory. Public (in eventstore-redis's
 * test-jar) for the integration tests that kill and restart a Redis of their own.
 */
public final class LocalRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean tls;
    private Process process;

    private LocalRedis(int port, Path dir, List<String> extraArgs) {
        this(port, dir, extraArgs, false);
    }

    private LocalRedis(int port, Path dir, List<String> extraArgs, boolean tls) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.tls = tls;
    }

    /**
     * Starts a server on a free port.
     *
     * @param extraArgs further {@code redis-server} arguments, e.g. {@code --rename-command EVAL ""}
     * @return the running server
     */
    public static LocalRedis start(String... extraArgs) {
        requireBinaries();
        Path dir = tempDir();
        LocalRedis redis = new LocalRedis(freePort(false), dir, List.of(extraArgs));
        try {
            redis.launch();
        } catch (RuntimeException | Error e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    /**
     * Starts a server that speaks only TLS, with the certificate of {@code certs}, on a free port (whose bus
     * port, port + 10000, is free too: {@code extraArgs} may make it a cluster node).
     *
     * @param certs     the certificate to serve
     * @param extraArgs further {@code redis-server} arguments
     * @return the running server; {@link #uri()} does not apply (no plain port)
     */
    static LocalRedis startTls(TestCertificates certs, String... extraArgs) {
        requireBinaries();
        Path dir = tempDir();
        List<String> args = certs.redisArgs();
        args.addAll(List.of(extraArgs));
        LocalRedis redis = new LocalRedis(freePort(true), dir, List.copyOf(args), true);
        try {
            redis.launch();
        } catch (RuntimeException | Error e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    /** Starts a cluster-enabled node on the given port (its bus port, port + 10000, must be free). */
    static LocalRedis startClusterNode(int port) {
        Path dir = tempDir();
        LocalRedis redis = new LocalRedis(port, dir, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout", "5000"));
        try {
            redis.launch();
        } catch (RuntimeException | Error e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    static void requireBinaries() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String message = "redis-server is not on the PATH; install Redis (apt-get install redis-server) to run the "
                + "tests that start their own servers.";
        if (Boolean.getBoolean(ServiceFixtures.REQUIRE_SERVICES_PROPERTY)) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("modddd-redis-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A port that is free, and (for cluster nodes) whose bus port, port + 10000, is free too.
     */
    static int freePort(boolean withBusPort) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = withBusPort ? ThreadLocalRandom.current().nextInt(20_000, 45_000)
                    : ThreadLocalRandom.current().nextInt(20_000, 60_000);
            if (isFree(port) && (!withBusPort || isFree(port + 10_000))) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", tls ? "0" : String.valueOf(port)));
        if (tls) {
            cmd.addAll(List.of("--tls-port", String.valueOf(port)));
        }
        cmd.addAll(List.of("--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis-" + port + ".log").toString()));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout-" + port + ".txt").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
            }
            if (tls ? log().contains("Ready to accept connections") : answersPing(port)) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING: " + log());
    }

    String log() {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")
                    || f.getFileName().toString().endsWith(".txt")).toList()) {
                sb.append(Files.readString(p));
            }
            return sb.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends SIGKILL and waits for the process to end. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port (empty: no persistence). */
    public void restart() {
        kill();
        launch();
    }

    /** A plain connection to a local server, without CLIENT SETINFO (unknown to Redis 7.0). */
    public static Jedis jedis(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build());
    }

    public static boolean answersPing(int port) {
        return answersPing(port, null);
    }

    static boolean answersPing(int port, String password) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            String command = password == null ? "PING\r\n" : "AUTH " + password + "\r\nPING\r\n";
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            String reply = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
            return reply.contains("+PONG") || reply.contains("NOAUTH") || reply.startsWith("+OK");
        } catch (IOException e) {
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leave it; the OS cleans temp directories
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
