package io.modularddd.integration;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.eventstore.redis.QueueClients;
import io.modularddd.eventstore.redis.RedisCommandQueue;
import io.modularddd.eventstore.redis.RedisCommandQueueBuilder;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/** {@link QueueDispatchEndToEnd} on the real {@link RedisCommandQueue} (Redis Streams) of the local Redis. */
class QueueDispatchOverRedisTest extends QueueDispatchEndToEnd {

    private final String prefix = Services.randomPrefix("cq");
    private RedisService redis;

    @BeforeEach
    void findRedis() {
        redis = ServiceFixtures.redis();
    }

    @Override
    CommandQueue openClient(int maxAttempts) {
        RedisCommandQueueBuilder b = RedisCommandQueue.builder().uri(redis.uri()).keyPrefix(prefix)
                .leaseTime(LEASE).maxAttempts(maxAttempts);
        if (!redis.password().isEmpty()) {
            b.credentials(null, redis.password());
        }
        return b.build();
    }

    @Override
    int killConnections(CommandQueue client) {
        try (RedisClient inspector = Services.client(redis)) {
            return QueueClients.kill(inspector, (RedisCommandQueue) client);
        }
    }

    @Override
    void dropStorage() {
        if (redis != null) {
            Services.deleteKeys(redis, prefix);
        }
    }
}
