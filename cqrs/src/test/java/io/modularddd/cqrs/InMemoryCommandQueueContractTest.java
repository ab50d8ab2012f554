package io.modularddd.cqrs;

import io.modularddd.core.queue.CommandQueue;
import io.modularddd.testkit.CommandQueueContract;
import java.time.Duration;

/** The tests' in-memory queue passes the contract every transport passes, so the worker tests can trust it. */
class InMemoryCommandQueueContractTest extends CommandQueueContract {

    private final InMemoryCommandQueue.Storage storage = new InMemoryCommandQueue.Storage();

    @Override
    protected CommandQueue createQueue(Duration leaseTime, int maxAttempts) {
        return new InMemoryCommandQueue(storage, leaseTime, maxAttempts);
    }
}
