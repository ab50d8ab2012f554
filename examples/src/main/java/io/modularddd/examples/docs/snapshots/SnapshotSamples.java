package io.modularddd.examples.docs.snapshots;

import io.micrometer.core.instrument.MeterRegistry;
import io.modularddd.core.EventStore;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.eventstore.redis.RedisAggregateStats;
import io.modularddd.eventstore.redis.RedisSnapshotStore;
import io.modularddd.examples.docs.snapshots.Account.AccountState;
import io.modularddd.snapshots.SimpleSnapshotStrategy;
import io.modularddd.snapshots.SnapshottingRepository;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The samples of docs/snapshots.md and docs/redis-snapshots.md: the code between the tag markers is what
 * the pages show.
 */
public final class SnapshotSamples {

    private SnapshotSamples() {
    }

    /**
     * A snapshotting repository of the account.
     *
     * @param eventStore       the events
     * @param snapshotStore    the snapshots
     * @param snapshotExecutor where snapshots are written
     * @param meterRegistry    the meters
     * @return the repository
     */
    public static SnapshottingRepository<Account> repository(EventStore eventStore, SnapshotStore snapshotStore,
            Executor snapshotExecutor, MeterRegistry meterRegistry) {
        // tag::repository[]
        SnapshottingRepository<Account> accounts = SnapshottingRepository
                .builder(eventStore, "Account", Account::new, AccountState.class)
                .snapshotStore(snapshotStore)                          // required
                .strategy(SimpleSnapshotStrategy.everyEvents(50))      // default: every 10 events
                .executor(snapshotExecutor)                            // default: ForkJoinPool.commonPool()
                .meterRegistry(meterRegistry)
                .build();
        // end::repository[]
        return accounts;
    }

    /**
     * The Redis snapshot store and aggregate statistics; closes both.
     */
    public static void redis() {
        // tag::redis[]
        RedisSnapshotStore snapshots = RedisSnapshotStore.builder()
                .uri("redis://127.0.0.1:6379")            // or .cluster("redis://10.0.0.1:7000", ...)
                .ttl(Duration.ofDays(7))
                .build();
        RedisAggregateStats stats = RedisAggregateStats.builder()
                .uri("redis://127.0.0.1:6379")
                .window(Duration.ofMinutes(5))
                .build();
        // end::redis[]
        stats.close();
        snapshots.close();
    }
}
