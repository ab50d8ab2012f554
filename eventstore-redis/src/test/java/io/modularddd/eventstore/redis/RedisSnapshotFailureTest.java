package io.modularddd.eventstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.snapshot.AggregateStatistics;
import io.modularddd.core.snapshot.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis snapshot store and aggregate statistics when Redis fails: a refused password, a killed
 * server. Store failures are typed {@link EventStoreException}s (transient for connection failures);
 * statistics never fail the caller. No password reaches a message, a log line, {@code toString()} or
 * a meter. Runs against a {@code redis-server} of its own started with {@code --requirepass}.
 */
class RedisSnapshotFailureTest {

    static final String SECRET = "S3cr3t-" + UUID.randomUUID();
    static final String WRONG = "Wr0ng-" + UUID.randomUUID();

    static LocalRedis server;

    @BeforeAll
    static void start() {
        server = LocalRedis.start("--requirepass", SECRET);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static RedisSnapshotStore snapshots(String password) {
        return RedisSnapshotStore.builder().uri("redis://default:" + password + "@127.0.0.1:" + server.port())
                .keyPrefix(RedisTarget.randomPrefix("snapfail")).connectTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofMillis(500)).build();
    }

    private static RedisAggregateStats stats(String password, SimpleMeterRegistry meters) {
        return RedisAggregateStats.builder().uri("redis://127.0.0.1:" + server.port()).credentials(null, password)
                .keyPrefix(RedisTarget.randomPrefix("statsfail")).connectTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofMillis(300)).retryAfterFailure(Duration.ZERO).meterRegistry(meters).build();
    }

    private static Snapshot snapshot(AggregateId id, long version) {
        return new Snapshot(id, "Account", version, 1, "{}".getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    @Test
    void the_snapshot_store_reports_typed_errors_transient_only_for_connection_failures_and_never_the_password() {
        StringBuilder texts = new StringBuilder();
        AggregateId id = AggregateId.of("snap-" + UUID.randomUUID());
        // the right password: it works
        try (RedisSnapshotStore store = snapshots(SECRET)) {
            store.save(snapshot(id, 1));
            assertThat(store.newest(id)).map(Snapshot::version).contains(1L);
            texts.append(store).append('\n');
        }
        // a wrong password: a typed error that retrying does not cure
        try (RedisSnapshotStore store = snapshots(WRONG)) {
            assertThatThrownBy(() -> store.newest(id)).isInstanceOfSatisfying(EventStoreException.class, e -> {
                assertThat(e).hasMessageContaining(id.value()).hasMessageContaining("redis://127.0.0.1:"
                        + server.port());
                texts.append(stackTrace(e));
            });
            assertThatThrownBy(() -> store.save(snapshot(id, 2))).isInstanceOfSatisfying(EventStoreException.class,
                    e -> texts.append(stackTrace(e)));
            texts.append(store).append('\n');
        }
        // the right password, and Redis dies: transient errors; it works again once Redis is back
        try (RedisSnapshotStore store = snapshots(SECRET)) {
            store.save(snapshot(id, 2));
            server.kill();
            assertThatThrownBy(() -> store.newest(id)).isInstanceOfSatisfying(EventStoreException.class, e -> {
                assertThat(e.isTransient()).as("a refused connection is transient").isTrue();
                assertThat(e).hasMessageContaining(id.value()).hasMessageContaining("Retry");
                texts.append(stackTrace(e));
            });
            assertThatThrownBy(() -> store.save(snapshot(id, 3))).isInstanceOfSatisfying(EventStoreException.class,
                    e -> assertThat(e.isTransient()).isTrue());
            assertThatThrownBy(() -> store.delete(id)).isInstanceOfSatisfying(EventStoreException.class,
                    e -> assertThat(e.isTransient()).isTrue());
            server.restart();
            store.save(snapshot(id, 4));
            assertThat(store.newest(id)).map(Snapshot::version).contains(4L);
        } finally {
            if (!LocalRedis.answersPing(server.port())) {
                server.restart();
            }
        }
        assertThat(texts.toString()).contains("EventStoreException").contains("RedisSnapshotStore[")
                .doesNotContain(SECRET).doesNotContain(WRONG);
    }

    @Test
    void a_wrong_password_is_not_transient() {
        try (RedisSnapshotStore store = snapshots(WRONG)) {
            assertThatThrownBy(() -> store.newest(AggregateId.of("x"))).isInstanceOfSatisfying(
                    EventStoreException.class, e -> assertThat(e.isTransient()).isFalse());
        }
    }

    @Test
    void recording_never_fails_the_caller_drops_and_counts_the_sample_and_warns_once_without_the_password() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AggregateId id = AggregateId.of("stats-" + UUID.randomUUID());
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        String shown;
        try {
            // a wrong password: nothing is recorded, nothing thrown
            try (RedisAggregateStats stats = stats(WRONG, meters)) {
                assertThatCode(() -> {
                    stats.recordLoad(id, "Account", 3, 1_000);
                    stats.recordAppend(id, "Account", 1, 10);
                }).doesNotThrowAnyException();
                assertThat(stats.statistics(id)).isEqualTo(AggregateStatistics.NONE);
                assertThat(stats.droppedSamples()).isEqualTo(3);
                shown = stats.toString();
            }
            // the right password, then Redis dies
            try (RedisAggregateStats stats = stats(SECRET, meters)) {
                stats.recordLoad(id, "Account", 3, 1_000);
                assertThat(stats.statistics(id).loads()).isEqualTo(1);
                server.kill();
                assertThatCode(() -> {
                    for (int i = 0; i < 5; i++) {
                        stats.recordLoad(id, "Account", 3, 1_000);
                    }
                }).doesNotThrowAnyException();
                assertThat(stats.statistics(id)).isEqualTo(AggregateStatistics.NONE);
                assertThat(stats.droppedSamples()).isEqualTo(6);
                server.restart();
                stats.recordLoad(id, "Account", 3, 1_000);
                assertThat(stats.statistics(id).loads()).isEqualTo(1);
            } finally {
                if (!LocalRedis.answersPing(server.port())) {
                    server.restart();
                }
            }
        } finally {
            System.setErr(originalErr);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        // one WARN per outage (wrong password; killed server), not one per dropped sample
        assertThat(logs.lines().filter(l -> l.contains("WARN") && l.contains("RedisAggregateStats")).count())
                .isEqualTo(2);
        assertThat(logs).contains("redis://127.0.0.1:" + server.port()).doesNotContain(SECRET).doesNotContain(WRONG);
        assertThat(shown).doesNotContain(WRONG);
        double dropped = meters.find(RedisAggregateStats.METER_PREFIX + "dropped").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        assertThat(dropped).isEqualTo(9);
        for (Meter meter : meters.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).doesNotContain(SECRET).doesNotContain(WRONG).doesNotContain("stats-");
            }
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
