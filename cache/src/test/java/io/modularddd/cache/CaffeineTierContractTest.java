package io.modularddd.cache;

import io.modularddd.core.cache.CacheTier;
import io.modularddd.testkit.CacheTierContract;

class CaffeineTierContractTest extends CacheTierContract {

    @Override
    protected CacheTier createTier() {
        return CaffeineTier.builder().maxEntries(10_000).maxMemoryMb(64).build();
    }
}
