package io.modularddd.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Finds the real MariaDB, PostgreSQL and Redis servers that adapter tests run against.
 *
 * <p>Each service is resolved once per JVM, in this order:
 * <ol>
 *   <li>an environment variable ({@value #MYSQL_URL}, {@value #POSTGRES_URL}, {@value #REDIS_URL});</li>
 *   <li>the standard local port (MariaDB {@code 127.0.0.1:3306} user {@code root} with an empty password,
 *       database {@code test}; PostgreSQL {@code 127.0.0.1:5432} user {@code postgres}, database
 *       {@code test}; Redis {@code 127.0.0.1:6379}), accepted only when the server there answers its
 *       protocol's greeting;</li>
 *   <li>a Testcontainers container, when a Docker engine is available;</li>
 *   <li>otherwise the calling test is skipped with a message naming the variable to set — or fails,
 *       when the system property {@value #REQUIRE_SERVICES_PROPERTY} is {@code true} (as in CI).</li>
 * </ol>
 * Call these from {@code @BeforeAll} or {@code @BeforeEach}.
 */
public final class ServiceFixtures {

    /** System property that turns a missing service from a skip into a failure. */
    public static final String REQUIRE_SERVICES_PROPERTY = "modddd.requireServices";
    /** JDBC URL of a MariaDB/MySQL server; credentials in {@code MODDDD_MYSQL_USER}/{@code _PASSWORD}. */
    public static final String MYSQL_URL = "MODDDD_MYSQL_URL";
    /** JDBC URL of a PostgreSQL server; credentials in {@code MODDDD_POSTGRES_USER}/{@code _PASSWORD}. */
    public static final String POSTGRES_URL = "MODDDD_POSTGRES_URL";
    /** URI of a Redis server, {@code redis://[:password@]host:port}. */
    public static final String REDIS_URL = "MODDDD_REDIS_URL";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceFixtures.class);
    private static final int PROBE_TIMEOUT_MS = 1000;
    private static final Map<String, Object> RESOLVED = new ConcurrentHashMap<>();
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

    private ServiceFixtures() {
    }

    /**
     * Connection details of a relational database.
     *
     * @param jdbcUrl  the JDBC URL (no credentials in it)
     * @param username the user
     * @param password the password (never printed by {@link #toString()})
     * @param origin   where it was found: "env", "local" or "testcontainers"
     */
    public record JdbcService(String jdbcUrl, String username, String password, String origin) {
        @Override
        public String toString() {
            return "JdbcService[" + jdbcUrl + ", user=" + username + ", password=" + (password.isEmpty() ? "" : "***")
                    + ", origin=" + origin + "]";
        }
    }

    /**
     * Connection details of a Redis server.
     *
     * @param host     the host
     * @param port     the port
     * @param password the password, empty for none (never printed by {@link #toString()})
     * @param origin   where it was found: "env", "local" or "testcontainers"
     */
    public record RedisService(String host, int port, String password, String origin) {
        /**
         * Returns the URI without the password.
         *
         * @return {@code redis://host:port}
         */
        public String uri() {
            return "redis://" + host + ":" + port;
        }

        @Override
        public String toString() {
            return "RedisService[" + uri() + ", password=" + (password.isEmpty() ? "" : "***") + ", origin=" + origin
                    + "]";
        }
    }

    /**
     * Returns a MariaDB (or MySQL) server, or skips/fails the calling test.
     *
     * @return the connection details
     */
    public static JdbcService mariadb() {
        return resolve("MariaDB", MYSQL_URL, () -> {
            String url = System.getenv(MYSQL_URL);
            if (url != null && !url.isBlank()) {
                return new JdbcService(url, env("MODDDD_MYSQL_USER", "root"), env("MODDDD_MYSQL_PASSWORD", ""), "env");
            }
            if (probe("127.0.0.1", 3306, ServiceFixtures::isMysqlGreeting)) {
                return new JdbcService("jdbc:mariadb://127.0.0.1:3306/test", "root", "", "local");
            }
            if (dockerAvailable()) {
                GenericContainer<?> c = start(new GenericContainer<>(DockerImageName.parse("mariadb:10.11"))
                        .withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
                        .withEnv("MARIADB_DATABASE", "test")
                        .withExposedPorts(3306)
                        .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2)));
                return new JdbcService("jdbc:mariadb://" + c.getHost() + ":" + c.getMappedPort(3306) + "/test", "root",
                        "", "testcontainers");
            }
            return null;
        }, "$" + MYSQL_URL + ", 127.0.0.1:3306, Testcontainers");
    }

    /**
     * Returns a PostgreSQL server, or skips/fails the calling test.
     *
     * @return the connection details
     */
    public static JdbcService postgres() {
        return resolve("PostgreSQL", POSTGRES_URL, () -> {
            String url = System.getenv(POSTGRES_URL);
            if (url != null && !url.isBlank()) {
                return new JdbcService(url, env("MODDDD_POSTGRES_USER", "postgres"),
                        env("MODDDD_POSTGRES_PASSWORD", ""), "env");
            }
            if (probe("127.0.0.1", 5432, ServiceFixtures::isPostgresReply)) {
                return new JdbcService("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "", "local");
            }
            if (dockerAvailable()) {
                GenericContainer<?> c = start(new GenericContainer<>(DockerImageName.parse("postgres:15"))
                        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                        .withEnv("POSTGRES_DB", "test")
                        .withExposedPorts(5432)
                        .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2)));
                return new JdbcService("jdbc:postgresql://" + c.getHost() + ":" + c.getMappedPort(5432) + "/test",
                        "postgres", "", "testcontainers");
            }
            return null;
        }, "$" + POSTGRES_URL + ", 127.0.0.1:5432, Testcontainers");
    }

    /**
     * Returns a Redis server, or skips/fails the calling test.
     *
     * @return the connection details
     */
    public static RedisService redis() {
        return resolve("Redis", REDIS_URL, () -> {
            String url = System.getenv(REDIS_URL);
            if (url != null && !url.isBlank()) {
                URI uri = URI.create(url);
                String info = uri.getUserInfo();
                String password = info == null ? "" : info.substring(info.indexOf(':') + 1);
                return new RedisService(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), password, "env");
            }
            if (probe("127.0.0.1", 6379, ServiceFixtures::isRedisPong)) {
                return new RedisService("127.0.0.1", 6379, "", "local");
            }
            if (dockerAvailable()) {
                GenericContainer<?> c = start(new GenericContainer<>(DockerImageName.parse("redis:7"))
                        .withExposedPorts(6379)
                        .waitingFor(Wait.forListeningPort()));
                return new RedisService(c.getHost(), c.getMappedPort(6379), "", "testcontainers");
            }
            return null;
        }, "$" + REDIS_URL + ", 127.0.0.1:6379, Testcontainers");
    }

    @SuppressWarnings("unchecked")
    private static <T> T resolve(String service, String variable, Supplier<T> finder, String tried) {
        Object found = RESOLVED.get(service);
        if (found == null && !FAILED.containsKey(service)) {
            synchronized (ServiceFixtures.class) {
                found = RESOLVED.get(service);
                if (found == null && !FAILED.containsKey(service)) {
                    try {
                        found = finder.get();
                    } catch (RuntimeException e) {
                        LOG.warn("{}: looking for a server failed: {}", service, e.toString());
                    }
                    if (found != null) {
                        LOG.info("{}: using {}", service, found);
                        RESOLVED.put(service, found);
                    } else {
                        FAILED.put(service, tried);
                    }
                }
            }
        }
        if (found == null) {
            throw ServiceUnavailable.report(service, variable, tried);
        }
        return (T) found;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private interface Greeting {
        boolean check(InputStream in, OutputStream out) throws IOException;
    }

    private static boolean probe(String host, int port, Greeting greeting) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            socket.setSoTimeout(PROBE_TIMEOUT_MS);
            return greeting.check(socket.getInputStream(), socket.getOutputStream());
        } catch (IOException e) {
            return false;
        }
    }

    /** A MySQL/MariaDB server speaks first: a handshake packet whose payload starts with protocol version 10. */
    private static boolean isMysqlGreeting(InputStream in, OutputStream out) throws IOException {
        byte[] header = in.readNBytes(5);
        return header.length == 5 && header[4] == 10;
    }

    /** PostgreSQL answers an SSLRequest with a single 'S' or 'N'. */
    private static boolean isPostgresReply(InputStream in, OutputStream out) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
        out.flush();
        int reply = in.read();
        return reply == 'S' || reply == 'N';
    }

    private static boolean isRedisPong(InputStream in, OutputStream out) throws IOException {
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] reply = in.readNBytes(5);
        return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static GenericContainer<?> start(GenericContainer<?> container) {
        container.withStartupTimeout(Duration.ofMinutes(3)).start();
        return container;
    }
}
