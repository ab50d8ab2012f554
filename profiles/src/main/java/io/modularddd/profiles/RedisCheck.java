package io.modularddd.profiles;

import java.net.URI;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Checks at build time that the Redis server answers, so a wrong URI fails early and clearly. */
final class RedisCheck {

    private static final int TIMEOUT_MILLIS = 2_000;

    private RedisCheck() {
    }

    /**
     * Connects, authenticates and pings. Over TLS ({@code rediss://}) the server's certificate must name the
     * host of the URI, as for every Redis connection of the library; trust is the JVM default's.
     *
     * @param uri the server's URI
     * @throws IllegalStateException naming the server (password masked) and the cause
     */
    static void reachable(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis is not a valid URI: '" + Secrets.maskUrl(uri) + "'");
        }
        String password = password(parsed);
        SSLParameters tls = new SSLParameters();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        try (Jedis jedis = new Jedis(parsed, TIMEOUT_MILLIS, null, tls, null)) {
            jedis.ping();
        } catch (JedisException e) {
            throw new IllegalStateException("cannot reach Redis at " + Secrets.maskUrl(uri) + ": "
                    + Secrets.scrub(e.getMessage(), password) + ". Check that the server runs and the URI, user and "
                    + "password are right, or leave .redis(...) out to run without Redis", null);
        }
    }

    private static String password(URI uri) {
        String info = uri.getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        return colon < 0 ? info : info.substring(colon + 1);
    }
}
