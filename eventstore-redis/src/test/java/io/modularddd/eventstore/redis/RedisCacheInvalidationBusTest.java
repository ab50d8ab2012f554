package io.modularddd.eventstore.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The invalidation bus's suite on the shared Redis (found by {@code ServiceFixtures.redis()}): two buses
 * ("nodes") on a channel of their own, one of whose subscription connections is killed with
 * {@code CLIENT KILL ID} (found by its {@code CLIENT SETNAME}).
 */
class RedisCacheInvalidationBusTest extends RedisCacheBusSuite {

    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cachebus");

    @BeforeAll
    static void connect() {
        target = RedisTarget.shared();
    }

    @AfterAll
    static void cleanUp() {
        if (target != null) {
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
