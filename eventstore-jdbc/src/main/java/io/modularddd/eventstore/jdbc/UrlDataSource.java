package io.modularddd.eventstore.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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
        Connection c = driver.connect(url, props);
        if (c == null) {
            throw new SQLException("the JDBC driver refused the URL " + Redaction.url(url), "08001");
        }
        return c;
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
