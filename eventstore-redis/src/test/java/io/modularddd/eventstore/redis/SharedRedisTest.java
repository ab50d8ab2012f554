package io.modularddd.eventstore.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The contract and the hot-tier suite on the shared Redis (found by {@code ServiceFixtures.redis()}),
 * with the default settings: MessagePack, LZ4 above 1 KiB. Keys live under a random prefix and are
 * deleted afterwards (SCAN with an escaped MATCH pattern, UNLINK).
 */
class SharedRedisTest {

    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("shared");

    @BeforeAll
    static void connect() {
        target = RedisTarget.shared();
    }

    @AfterAll
    static void cleanUp() {
        if (target != null) {
            target.deleteKeys(PREFIX);
            target.close();
        }
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

    /** The testkit's contract on shared Redis statistics. */
    @Nested
    class StatsContract extends io.modularddd.testkit.AggregateStatsContract {
        @Override
        protected io.modularddd.core.snapshot.AggregateStats createStats() {
            return target.stats(PREFIX + ":statscontract:" + java.util.UUID.randomUUID().toString().substring(0, 8))
                    .build();
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
