package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import redis.clients.jedis.Jedis;

/**
 * The cache tier's suite (contract included) and the invalidation bus's suite on a hardened Redis: a
 * {@code redis-server} started with the seed's settings ({@link HardenedRedisTest#HARDENED_ARGS}: EVAL,
 * EVALSHA, FLUSHDB, FLUSHALL and KEYS renamed away), used by the tier and the bus as an ACL user that is
 * denied scripting and every {@code @dangerous} command as well. Afterwards the server's error
 * statistics must show no {@code ERR} (an unknown, renamed command) and no {@code NOPERM} reply at all.
 */
class RedisCacheHardenedTest {

    static final String USER = "cache-app";
    static final String PASSWORD = "Pw-" + UUID.randomUUID();

    static LocalRedis server;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cache-hardened");

    @BeforeAll
    static void start() {
        server = LocalRedis.start(HardenedRedisTest.HARDENED_ARGS);
        try (Jedis admin = LocalRedis.jedis(server.port())) {
            admin.aclSetUser(USER, "on", ">" + PASSWORD, "~*", "&*", "+@all", "-@scripting", "-@dangerous");
            // the renames and the ACL are in force
            assertThatThrownBy(() -> admin.eval("return 1")).hasMessageContaining("unknown command");
            assertThatThrownBy(() -> admin.keys("*")).hasMessageContaining("unknown command");
            assertThatThrownBy(() -> admin.flushAll()).hasMessageContaining("unknown command");
            try (Jedis app = LocalRedis.jedis(server.port())) {
                app.auth(USER, PASSWORD);
                assertThatThrownBy(() -> app.scriptFlush()).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> app.configGet("maxmemory")).hasMessageContaining("NOPERM");
            }
            admin.configResetStat(); // count errors from here on only
        }
        target = RedisTarget.local(server, USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        try {
            if (target != null) {
                String errors;
                try (Jedis admin = LocalRedis.jedis(server.port())) {
                    errors = admin.info("errorstats");
                }
                assertThat(errors).as("errors the server replied with").doesNotContain("errorstat_ERR")
                        .doesNotContain("errorstat_NOPERM");
            }
        } finally {
            if (target != null) {
                target.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Nested
    class Tier extends RedisCacheTierSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }
    }

    @Nested
    class Bus extends RedisCacheBusSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }
    }
}
