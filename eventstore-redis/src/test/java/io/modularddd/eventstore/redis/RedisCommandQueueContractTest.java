package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.testkit.CommandQueueContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The testkit's {@link CommandQueueContract} on the shared Redis. A "killed" client has its connections
 * killed server-side with {@code CLIENT KILL}, as a crashed process would lose them: nothing is
 * acknowledged or failed. Keys live under a random prefix and are deleted afterwards.
 */
class RedisCommandQueueContractTest extends CommandQueueContract {

    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("queue-contract");

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

    @Override
    protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
        return target.queue(PREFIX).leaseTime(leaseTime).maxAttempts(maxAttempts).build();
    }

    @Override
    protected void kill(CommandQueue queue) {
        killConnections(target, queue);
    }

    /** Kills a client's connections on the server (it used at least one, so at least one dies). */
    static void killConnections(RedisTarget target, CommandQueue queue) {
        assertThat(QueueClients.kill(target.inspector(), (RedisCommandQueue) queue)).as("connections killed")
                .isPositive();
    }
}
