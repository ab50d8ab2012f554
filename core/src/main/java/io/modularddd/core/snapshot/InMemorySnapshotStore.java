package io.modularddd.core.snapshot;

import io.modularddd.core.AggregateId;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link SnapshotStore}: the newest snapshot of each aggregate, in a concurrent map.
 * Keeps one snapshot per aggregate (older ones are of no use to a repository); a save of an older
 * version than the one held changes nothing. Thread-safe; contents are lost when the process ends.
 */
public final class InMemorySnapshotStore implements SnapshotStore {

    private final Map<AggregateId, Snapshot> newest = new ConcurrentHashMap<>();

    private InMemorySnapshotStore() {
    }

    /**
     * Creates an empty store.
     *
     * @return the store
     */
    public static InMemorySnapshotStore create() {
        return new InMemorySnapshotStore();
    }

    @Override
    public void save(Snapshot snapshot) {
        Checks.notNull("snapshot", snapshot);
        newest.merge(snapshot.aggregateId(), snapshot, (held, offered) -> offered.version() >= held.version()
                ? offered : held);
    }

    @Override
    public Optional<Snapshot> newest(AggregateId aggregateId) {
        return Optional.ofNullable(newest.get(Checks.notNull("aggregateId", aggregateId)));
    }

    /**
     * {@inheritDoc}
     *
     * @throws InvalidInputException when the id is null
     */
    @Override
    public void delete(AggregateId aggregateId) {
        newest.remove(Checks.notNull("aggregateId", aggregateId));
    }
}
