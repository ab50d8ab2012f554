package io.modularddd.eventstore.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The physical connections behind the pool the store creates for a JDBC URL.
 *
 * <p>HikariCP is given this data source instead of the URL, so the URL — which may carry a password
 * ({@code ?password=}, {@code ;PASSWORD=}, {@code user:pass@host}) — never reaches HikariCP's
 * configuration dump or driver log lines, whatever its syntax. {@link #toString()} shows the URL with
 * credentials masked.
 */
final class UrlDataSource implements DataSource {

    private final String url;
    private final String user;
    private final String password;
    private final Properties driverProperties;
    private volatile int loginTimeoutSeconds;

    UrlDataSource(String url, String user, String password) {
        this(url, user, password, new Properties());
    }

    /**
     * Creates the data source.
     *
     * @param driverProperties extra driver settings; the URL's own settings win over them
     */
    UrlDataSource(String url, String user, String password, Properties driverProperties) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.driverProperties = driverProperties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        Driver driver;
        try {
            driver = DriverManager.getDriver(url);
        } catch (SQLException e) {
            // DriverManager's message repeats the URL, password and all
            throw new SQLException("no JDBC driver on the classpath accepts " + Redaction.url(url) + "; add the "
                    + "database's driver (e.g. org.mariadb.jdbc:mariadb-java-client, org.postgresql:postgresql, "
                    + "com.h2database:h2)", "08001");
        }
        Properties props = new Properties();
        props.putAll(driverProperties);
        if (username != null) {
            props.setProperty("user", username);
        }
        if (pass != null) {
            props.setProperty("password", pass);
        }
        applyLoginTimeout(driver, url, loginTimeoutSeconds, props);
        Connection c = driver.connect(url, props);
        if (c == null) {
            throw new SQLException("the JDBC driver refused the URL " + Redaction.url(url), "08001");
        }
        return c;
    }

    /**
     * Hands the login timeout to the driver as a setting of this one connection. HikariCP calls
     * {@link #setLoginTimeout(int)} with its {@code connectionTimeout}, expecting the connect to give up by
     * then; {@link DriverManager#setLoginTimeout(int)} would do it for every connection of the JVM, so the
     * drivers' own properties are used instead:
     * <ul>
     *   <li>MariaDB Connector/J: {@code connectTimeout} (ms) bounds the TCP connect and, as the socket
     *       timeout until the handshake is done, the login;</li>
     *   <li>PostgreSQL: {@code loginTimeout} (s) bounds the whole login, {@code connectTimeout} (s) the TCP
     *       connect;</li>
     *   <li>MySQL Connector/J: {@code connectTimeout} (ms), the TCP connect;</li>
     *   <li>H2: nothing. Embedded databases open no socket, and H2 refuses settings it does not know; its
     *       {@code NETWORK_TIMEOUT} would bound every read of a server-mode connection, not the login.</li>
     * </ul>
     * A setting the URL already carries is left alone (the URL wins).
     */
    static void applyLoginTimeout(Driver driver, String url, int seconds, Properties props) {
        if (seconds <= 0) {
            return;
        }
        String driverClass = driver.getClass().getName();
        if (driverClass.startsWith("org.mariadb.jdbc.") || driverClass.startsWith("com.mysql.")) {
            setUnlessInUrl(url, props, "connectTimeout", String.valueOf(seconds * 1000L));
        } else if (driverClass.startsWith("org.postgresql.")) {
            setUnlessInUrl(url, props, "loginTimeout", String.valueOf(seconds));
            setUnlessInUrl(url, props, "connectTimeout", String.valueOf(seconds));
        }
    }

    private static void setUnlessInUrl(String url, Properties props, String key, String value) {
        String lower = url.toLowerCase(Locale.ROOT);
        String k = key.toLowerCase(Locale.ROOT);
        if (!lower.contains("?" + k + "=") && !lower.contains("&" + k + "=") && !props.containsKey(key)) {
            props.setProperty(key, value);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the store logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "UrlDataSource[" + Redaction.url(url) + (user == null ? "" : ", user=" + user) + "]";
    }
}
