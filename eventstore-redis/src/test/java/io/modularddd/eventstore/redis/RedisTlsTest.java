package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.health.Health;
import io.modularddd.core.snapshot.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * {@code rediss://} connections verify the server's host name, against a TLS-only redis-server of the
 * test's own whose certificate (from a private CA, trusted through {@code sslContext(...)}, never through
 * JVM-wide properties) names only {@code localhost}: reaching it as {@code localhost} works, reaching the
 * very same server as {@code 127.0.0.1} must fail — for a pool (snapshot store), a single connection (as a
 * subscriber or the health indicator opens it) and a cluster client.
 */
class RedisTlsTest {

    private static TestCertificates certs;
    private static LocalRedis server;
    private static LocalRedis clusterNode;

    @BeforeAll
    static void start() {
        certs = TestCertificates.forLocalhostOnly();
        server = LocalRedis.startTls(certs);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (clusterNode != null) {
            clusterNode.close();
        }
        if (certs != null) {
            certs.close();
        }
    }

    private static RedisSnapshotStore snapshots(String host, SSLContext context) {
        RedisSnapshotStoreBuilder builder = RedisSnapshotStore.builder().uri("rediss://" + host + ":" + server.port())
                .keyPrefix(RedisTarget.randomPrefix("tls")).connectTimeout(Duration.ofSeconds(2));
        if (context != null) {
            builder.sslContext(context);
        }
        return builder.build();
    }

    private static Snapshot snapshot(AggregateId id) {
        return new Snapshot(id, "Account", 3, 1, "{}".getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    @Test
    void a_pool_reaches_the_server_by_the_name_in_its_certificate() {
        AggregateId id = AggregateId.of("tls-" + UUID.randomUUID());
        try (RedisSnapshotStore store = snapshots("localhost", certs.trustingTheCa())) {
            store.save(snapshot(id));
            assertThat(store.newest(id)).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(3));
        }
    }

    @Test
    void a_pool_refuses_a_certificate_that_does_not_name_the_host() {
        try (RedisSnapshotStore store = snapshots("127.0.0.1", certs.trustingTheCa())) {
            assertThatThrownBy(() -> store.newest(AggregateId.of("tls-" + UUID.randomUUID())))
                    .isInstanceOf(EventStoreException.class)
                    .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                    .hasStackTraceContaining("127.0.0.1");
        }
    }

    @Test
    void without_an_ssl_context_the_jvm_default_trust_applies_and_refuses_the_private_ca() {
        try (RedisSnapshotStore store = snapshots("localhost", null)) {
            assertThatThrownBy(() -> store.newest(AggregateId.of("tls-" + UUID.randomUUID())))
                    .isInstanceOf(EventStoreException.class)
                    .hasStackTraceContaining(SSLHandshakeException.class.getName());
        }
    }

    @Test
    void a_single_connection_verifies_the_host_name_too() {
        Health byName = RedisHealthIndicator.builder().uri("rediss://localhost:" + server.port())
                .sslContext(certs.trustingTheCa()).build().check();
        assertThat(byName.isUp()).as(byName.toString()).isTrue();
        Health byAddress = RedisHealthIndicator.builder().uri("rediss://127.0.0.1:" + server.port())
                .sslContext(certs.trustingTheCa()).build().check();
        assertThat(byAddress.isUp()).as(byAddress.toString()).isFalse();
        assertThat(byAddress.detail().get("error")).contains("127.0.0.1");
    }

    @Test
    void every_tls_connection_asks_for_host_name_verification_standalone_or_cluster_default_trust_or_not() {
        for (boolean cluster : new boolean[] {false, true}) {
            for (SSLContext context : new SSLContext[] {null, certs.trustingTheCa()}) {
                RedisConnectionOptions options = new RedisConnectionOptions("a test", Duration.ofSeconds(1),
                        Duration.ofSeconds(1), 1);
                if (cluster) {
                    options.cluster("rediss://a:7000", "rediss://b:7001");
                } else {
                    options.uri("rediss://a:6380");
                }
                if (context != null) {
                    options.sslContext(context);
                }
                SSLParameters parameters = options.build("t").clientConfig("t").build().getSslParameters();
                assertThat(parameters).as("cluster=%s, context=%s", cluster, context).isNotNull();
                assertThat(parameters.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
            }
        }
    }

    @Test
    void a_cluster_client_verifies_the_host_names_of_the_seed_and_of_the_nodes_it_discovers() {
        clusterNode = LocalRedis.startTls(certs, "--cluster-enabled", "yes", "--cluster-config-file",
                "nodes-tls.conf", "--tls-cluster", "yes", "--cluster-announce-hostname", "localhost",
                "--cluster-preferred-endpoint-type", "hostname");
        try (Jedis admin = new Jedis(new HostAndPort("localhost", clusterNode.port()), DefaultJedisClientConfig.builder()
                .ssl(true).sslSocketFactory(certs.trustingTheCa().getSocketFactory())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build())) {
            admin.sendCommand(Protocol.Command.CLUSTER, "ADDSLOTSRANGE", "0", "16383");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!admin.clusterInfo().contains("cluster_state:ok")) {
                assertThat(System.nanoTime()).as("cluster_state:ok in time").isLessThan(deadline);
                LocalRedis.sleep(50);
            }
        }
        RedisConnectionOptions byName = new RedisConnectionOptions("a test", Duration.ofSeconds(2),
                Duration.ofSeconds(2), 2);
        byName.cluster("rediss://localhost:" + clusterNode.port());
        byName.sslContext(certs.trustingTheCa());
        String key = RedisTarget.randomPrefix("tls") + ":k";
        try (RedisKeyClient client = byName.build("t").open()) {
            client.jedis().set(key, "v");
            assertThat(client.jedis().get(key)).isEqualTo("v");
        }
        RedisConnectionOptions byAddress = new RedisConnectionOptions("a test", Duration.ofSeconds(2),
                Duration.ofSeconds(2), 2);
        byAddress.cluster("rediss://127.0.0.1:" + clusterNode.port());
        byAddress.sslContext(certs.trustingTheCa());
        assertThatThrownBy(() -> {
            try (RedisKeyClient client = byAddress.build("t").open()) {
                client.jedis().get(key);
            }
        }).hasStackTraceContaining("127.0.0.1").hasStackTraceContaining(SSLHandshakeException.class.getName());
    }

    @Test
    void the_ssl_context_follows_the_builder_rules() {
        assertThatThrownBy(() -> RedisSnapshotStore.builder().sslContext(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sslContext must not be null");
        SSLContext context = certs.trustingTheCa();
        assertThatThrownBy(() -> RedisCacheTier.builder().sslContext(context).sslContext(context))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sslContext was already set");
        assertThatThrownBy(() -> RedisSnapshotStore.builder().uri("redis://localhost:" + server.port())
                .sslContext(context).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rediss://");
    }
}
