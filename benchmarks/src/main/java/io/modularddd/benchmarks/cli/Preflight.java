package io.modularddd.benchmarks.cli;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import redis.clients.jedis.Jedis;

/**
 * Checks, before anything is built, that the services on the command line answer — so an unreachable database or
 * Redis is one clear line naming the URL (password masked) instead of a stack trace from deep in a pool.
 */
final class Preflight {

    private static final int TIMEOUT_SECONDS = 5;

    private Preflight() {
    }

    /**
     * Connects to each service given and disconnects.
     *
     * @param options the command line
     * @throws ServiceUnavailableException naming the first service that did not answer
     */
    static void check(Options options) {
        options.jdbcUrl().ifPresent(Preflight::database);
        options.redisUrl().ifPresent(Preflight::redis);
    }

    static void database(String url) {
        DriverManager.setLoginTimeout(TIMEOUT_SECONDS);
        try (Connection c = DriverManager.getConnection(url)) {
            if (!c.isValid(TIMEOUT_SECONDS)) {
                throw new SQLException("the connection did not answer a validity check within " + TIMEOUT_SECONDS + " s");
            }
        } catch (SQLException | RuntimeException e) {
            throw new ServiceUnavailableException("cannot reach the database at " + Masking.mask(url) + ": "
                    + Masking.scrub(rootMessage(e), url) + " (check --jdbc-url: host, port, database, user and password)");
        }
    }

    static void redis(String url) {
        try (Jedis jedis = new Jedis(URI.create(url), TIMEOUT_SECONDS * 1000, TIMEOUT_SECONDS * 1000)) {
            String pong = jedis.ping();
            if (!"PONG".equals(pong)) {
                throw new IllegalStateException("PING answered '" + pong + "'");
            }
        } catch (RuntimeException e) {
            throw new ServiceUnavailableException("cannot reach Redis at " + Masking.mask(url) + ": "
                    + Masking.scrub(rootMessage(e), url) + " (check --redis: host, port and password)");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                out.append("; ").append(t.getMessage());
            }
        }
        return out.toString();
    }
}
