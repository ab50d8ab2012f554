package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.testkit.CommandQueueContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import redis.clients.jedis.Jedis;

/**
 * The queue's contract and suite on a {@code redis-server} started with the seed's hardened settings:
 * EVAL, EVALSHA, FLUSHDB, FLUSHALL and KEYS renamed away. Afterwards the server's error statistics must show
 * no {@code ERR} reply at all: nothing the queue or the tests sent was an unknown (renamed) command.
 * ({@code BUSYGROUP}, the answer to creating a consumer group that exists, is expected and not an ERR.)
 */
class RedisCommandQueueHardenedTest {

    static LocalRedis server;
    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("hardened-queue");

    @BeforeAll
    static void start() {
        server = LocalRedis.start("--rename-command", "EVAL", "", "--rename-command", "EVALSHA", "",
                "--rename-command", "FLUSHDB", "", "--rename-command", "FLUSHALL", "", "--rename-command", "KEYS", "");
        target = RedisTarget.local(server);
        assertThatThrownBy(() -> target.inspector().eval("return 1")).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> target.inspector().keys("*")).hasMessageContaining("unknown command");
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

    @Nested
    class Contract extends CommandQueueContract {
        @Override
        protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
            return target.queue(PREFIX).leaseTime(leaseTime).maxAttempts(maxAttempts).build();
        }

        @Override
        protected void kill(CommandQueue queue) {
            RedisCommandQueueContractTest.killConnections(target, queue);
        }
    }

    @Nested
    class Suite extends RedisCommandQueueSuite {
        @Override
        protected RedisTarget target() {
            return target;
        }

        @Override
        protected String prefix() {
            return PREFIX + ":suite";
        }
    }
}
