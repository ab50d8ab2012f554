package io.modularddd.examples.bank;

import io.modularddd.cache.CaffeineTier;
import io.modularddd.cache.TieredCache;
import io.modularddd.core.EventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.SimpleQueryBus;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.cqrs.projection.ProjectionEngine;
import io.modularddd.cqrs.projection.ProjectionStrategy;
import io.modularddd.examples.bank.domain.BankDirectory;
import io.modularddd.examples.bank.domain.BankEvents;
import io.modularddd.examples.bank.domain.BankHandlers;
import io.modularddd.examples.bank.domain.BankQueryHandlers;
import io.modularddd.examples.bank.domain.EmailClaim;
import io.modularddd.examples.bank.domain.User;
import io.modularddd.examples.quickstart.Account;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/** The bank wired by hand from the library's parts, without the bootstrap. */
final class HandWiredBank {

    private HandWiredBank() {
    }

    static Bank inMemory(Duration balanceTtl) {
        return on(InMemoryEventStore.create(JacksonEventSerializer.json(BankEvents.registry())), balanceTtl);
    }

    static Bank on(EventStore base, Duration balanceTtl) {
        return on(base, balanceTtl, new SimpleMeterRegistry());
    }

    static Bank on(EventStore base, Duration balanceTtl, MeterRegistry meters) {
        // tag::hand-wired[]
        BankDirectory directory = new BankDirectory();
        ProjectionEngine engine = ProjectionEngine.builder(base, InMemoryCheckpointStore.create())
                .register(directory.projection(), ProjectionStrategy.realtime())   // updated before append returns
                .build();
        engine.start();
        TieredCache cache = TieredCache.builder().tiers(CaffeineTier.builder().maxEntries(500).build()).build();
        EventStore store = Bank.invalidationRules().invalidating(engine.eventStore(), cache);

        UnitOfWork unitOfWork = UnitOfWork.on(store);                           // a command's saves: one append
        SimpleCommandBus commands = SimpleCommandBus.builder()
                .middleware(ConflictRetry.attempts(3))
                .middleware(unitOfWork)
                .build();
        AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);
        new BankHandlers(unitOfWork.repository("Account", accounts),
                unitOfWork.repository(User.TYPE, EventSourcedRepository.create(store, User.TYPE, User::new)),
                unitOfWork.repository(EmailClaim.TYPE,
                        EventSourcedRepository.create(store, EmailClaim.TYPE, EmailClaim::new)))
                .registerOn(commands);

        SimpleQueryBus queries = SimpleQueryBus.builder().cache(cache).meterRegistry(meters).build();
        new BankQueryHandlers(accounts, directory).registerOn(queries, balanceTtl);
        // end::hand-wired[]
        return new Bank(commands, queries, directory, store, engine, null, () -> {
            try (base; cache; engine) {
                // closed in reverse: the engine's threads, the cache, then the store
            }
        });
    }
}
