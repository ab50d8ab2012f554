package io.modularddd.testkit;

import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.InMemoryCheckpointStore;

class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract {

    @Override
    protected CheckpointStore createStore() {
        return InMemoryCheckpointStore.create();
    }
}
