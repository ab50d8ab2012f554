package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 10: HikariCP bounds a connect with {@code setLoginTimeout} on the data source; the store's
 * {@link UrlDataSource} must pass it on to the driver, or a connect to a host that accepts the TCP connection
 * and never answers outlasts the pool's {@code connectionTimeout} (forever, on PostgreSQL).
 */
class UrlDataSourceTest {

    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private Thread acceptor;

    @BeforeEach
    void startSilentServer() throws IOException {
        // a server that accepts connections and never says a word
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopSilentServer() throws IOException {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void a_mariadb_connect_to_a_silent_server_fails_within_the_login_timeout() {
        assertFailsWithinLoginTimeout("jdbc:mariadb://127.0.0.1:" + silent.getLocalPort() + "/test");
    }

    @Test
    void a_postgresql_connect_to_a_silent_server_fails_within_the_login_timeout() {
        assertFailsWithinLoginTimeout("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test");
    }

    @Test
    void a_timeout_in_the_url_wins_and_h2_gets_no_property_it_would_refuse() throws SQLException {
        // the URL's own setting is kept (here: longer than the login timeout, so the connect takes ~3 s)
        UrlDataSource own = new UrlDataSource("jdbc:mariadb://127.0.0.1:" + silent.getLocalPort()
                + "/test?connectTimeout=3000", "root", "");
        own.setLoginTimeout(1);
        long start = System.nanoTime();
        assertThatThrownBy(own::getConnection).isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2500));
        // H2 refuses unknown connection settings: an embedded database still connects with a login timeout
        UrlDataSource h2 = new UrlDataSource(TestDatabases.h2MemUrl(), "sa", "");
        h2.setLoginTimeout(2);
        try (Connection c = h2.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    private static void assertFailsWithinLoginTimeout(String url) {
        UrlDataSource ds = new UrlDataSource(url, "nobody", "secret");
        ds.setLoginTimeout(2);
        long start = System.nanoTime();
        // without the fix the MariaDB driver waits its default 30 s, the PostgreSQL driver forever
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
        });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("time to give up on %s", url).isLessThan(Duration.ofMillis(4500))
                .isGreaterThan(Duration.ofMillis(1500));
    }
}
