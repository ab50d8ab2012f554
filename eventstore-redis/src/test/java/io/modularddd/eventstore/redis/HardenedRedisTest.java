package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import redis.clients.jedis.Jedis;

/**
 * The whole hot-tier suite — the contract and the hot-tier tests — on a {@code redis-server} started
 * with the seed's hardened settings: EVAL, EVALSHA, FLUSHDB, FLUSHALL and KEYS renamed away. Runs
 * the JSON format with every member compressed and small pages, to cover those paths too. Afterwards
 * the server's error statistics must show no {@code ERR} reply at all: nothing the tier or the tests
 * sent was an unknown (renamed) command.
 */
class HardenedRedisTest {

    /** The seed's hardened settings: scripting, FLUSH* and KEYS renamed away. */
    static final String[] HARDENED_ARGS = {"--rename-command", "EVAL", "", "--rename-command", "EVALSHA", "",
        "--rename-command", "FLUSHDB", "", "--rename-command", "FLUSHALL", "", "--rename-command", "KEYS", ""};

    static LocalRedis server;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("hardened");

    @BeforeAll
    static void start() {
        server = LocalRedis.start(HARDENED_ARGS);
        target = RedisTarget.local(server);
        // the renames are in force
        assertThatThrownBy(() -> target.inspector().eval("return 1")).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> target.inspector().keys("*")).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> target.inspector().flushDB()).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> target.inspector().flushAll()).hasMessageContaining("unknown command");
        try (Jedis j = LocalRedis.jedis(server.port())) {
            j.configResetStat(); // count errors from here on only
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (target != null) {
                String errors;
                try (Jedis j = LocalRedis.jedis(server.port())) {
                    errors = j.info("errorstats");
                }
                assertThat(errors).as("errors the server replied with").doesNotContain("errorstat_ERR");
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

    static void configure(RedisHotTierBuilder b) {
        b.format(HotTierFormat.JSON).compression(HotTierCompression.lz4(0));
    }

    @Nested
    class Contract extends TieredContractBase {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX;
        }

        @Override
        protected void configure(RedisHotTierBuilder builder) {
            HardenedRedisTest.configure(builder);
            builder.readPageSize(128);
        }
    }

    @Nested
    class HotTier extends HotTierSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":tier";
        }

        @Override
        protected void configure(RedisHotTierBuilder builder) {
            HardenedRedisTest.configure(builder);
        }
    }

    @Nested
    class Snapshots extends RedisSnapshotStoreSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":snap";
        }
    }

    @Nested
    class Stats extends RedisAggregateStatsSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":stats";
        }
    }

    @Nested
    class Metrics extends RedisMetricsCollectorSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":metrics";
        }
    }
}
