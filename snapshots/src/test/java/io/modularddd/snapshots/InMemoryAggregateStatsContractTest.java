package io.modularddd.snapshots;

import io.modularddd.core.snapshot.AggregateStats;
import io.modularddd.testkit.AggregateStatsContract;

class InMemoryAggregateStatsContractTest extends AggregateStatsContract {

    @Override
    protected AggregateStats createStats() {
        return InMemoryAggregateStats.create();
    }
}
