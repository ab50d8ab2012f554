package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modularddd.core.health.HealthReport;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** {@code describe()}: every setting with its origin, the infrastructure, the tiers, and never a password. */
class DescribeTest {

    @Test
    void masks_passwords_in_jdbc_and_redis_urls() {
        assertThat(Secrets.maskUrl("jdbc:mariadb://u:secret@h/db")).isEqualTo("jdbc:mariadb://u:***@h/db");
        assertThat(Secrets.maskUrl("jdbc:mysql://h:3306/db?user=u&password=secret&ssl=true"))
                .isEqualTo("jdbc:mysql://h:3306/db?user=u&password=***&ssl=true");
        assertThat(Secrets.maskUrl("jdbc:h2:mem:x;USER=sa;PASSWORD=secret")).isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=***");
        assertThat(Secrets.maskUrl("redis://user:secret@host:6379")).isEqualTo("redis://user:***@host:6379");
        assertThat(Secrets.maskUrl("redis://:secret@host:6379")).isEqualTo("redis://:***@host:6379");
        assertThat(Secrets.maskUrl("rediss://secret@host")).isEqualTo("rediss://***@host");
        assertThat(Secrets.maskUrl("redis://host:6379")).isEqualTo("redis://host:6379");
    }

    @Test
    void describes_the_profile_every_setting_the_infrastructure_and_the_tiers_without_a_password() throws Exception {
        // a Redis of our own that wants a password
        String password = "s3cr3t-" + System.nanoTime();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File redisServer = new File("/usr/bin/redis-server");
        assumeTrue(redisServer.canExecute(), "redis-server is needed to start a Redis with a password");
        Process redis = new ProcessBuilder(redisServer.getPath(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no",
                "--dir", Files.createTempDirectory("bs-redis").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int p = port;
            ProfilesEndToEndTest.await(() -> {
                try (Jedis j = new Jedis("127.0.0.1", p)) {
                    j.auth(password);
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            }, "our Redis");
            Profile profile = Profile.SCALE.withQueryCacheTtl(Duration.ofSeconds(42));
            try (ModularDdd ddd = ModularDdd.builder().profile(profile)
                    .jdbcUrl("jdbc:h2:mem:bs-describe-" + port + ";USER=sa;PASSWORD=" + password, null, null)
                    .redis("redis://default:" + password + "@127.0.0.1:" + port)
                    .createSchema(true)
                    .eventTypes(Bank.events()).build()) {
                String text = ddd.describe();
                assertThat(text).doesNotContain(password);
                assertThat(text).contains("profile: scale - High performance for large-scale applications");
                for (var setting : profile.settings().entrySet()) {
                    assertThat(text).contains("  " + setting.getKey() + " = " + setting.getValue() + " (");
                }
                assertThat(text).contains("query-cache-ttl = 42s (override)", "l1-max-entries = 2000 (preset)",
                        "database: H2, jdbc:h2:mem:bs-describe-" + port + ";USER=sa;PASSWORD=***",
                        "redis: redis://default:***@127.0.0.1:" + port,
                        "tiered: Redis hot tier (TTL 86400s", "L1 in-process (Caffeine, 2000 entries, 256 MiB)",
                        "L2 Redis", "L3 database", "AdaptiveSnapshotStrategy", "statistics in Redis",
                        "Redis Streams (modularddd:queue), queue 'default', 1 worker(s)");
                assertThat(ddd.toString()).doesNotContain(password);
                assertThat(ddd.health().isUp()).isTrue();

                redis.destroy();
                redis.waitFor();
                HealthReport down = ddd.health();
                assertThat(down.isUp()).isFalse();
                assertThat(down.components().get("redis").isUp()).isFalse();
                assertThat(down.components().get("database").isUp()).isTrue();
                assertThat(down.toString()).doesNotContain(password);
            }
        } finally {
            redis.destroy();
            redis.waitFor();
        }
    }
}
