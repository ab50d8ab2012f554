package io.modularddd.testkit;

import io.modularddd.core.AggregateId;
import io.modularddd.core.snapshot.InMemorySnapshotStore;
import io.modularddd.core.snapshot.SnapshotStore;
import java.util.Optional;

class InMemorySnapshotStoreContractTest extends SnapshotStoreContract {

    @Override
    protected SnapshotStore createStore() {
        return InMemorySnapshotStore.create();
    }

    /** The in-memory store keeps snapshot objects, no bytes a disk could damage. */
    @Override
    protected Optional<Boolean> damage(SnapshotStore store, AggregateId id) {
        return Optional.empty();
    }
}
