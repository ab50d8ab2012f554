package io.modularddd.eventstore.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cache-tier contract and the Redis tier's own tests on the shared Redis (found by
 * {@code ServiceFixtures.redis()}), each test in a namespace of its own under a random prefix whose keys
 * are deleted afterwards (SCAN with an escaped MATCH pattern, UNLINK). The peer of the contract is a
 * second tier on the same namespace, as another node would hold.
 */
class RedisCacheTierContractTest extends RedisCacheTierSuite {

    static RedisTarget target;
    static final String PREFIX = RedisTarget.randomPrefix("cache");

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
