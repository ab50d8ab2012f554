package io.modularddd.eventstore.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisCommandQueueSuite} on the shared Redis; keys live under a random prefix and are deleted
 * afterwards (SCAN with an escaped MATCH pattern, UNLINK).
 */
class RedisCommandQueueTest extends RedisCommandQueueSuite {

    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("queue");

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
    protected RedisTarget target() {
        return target;
    }

    @Override
    protected String prefix() {
        return PREFIX;
    }
}
