package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import java.io.PrintStream;

/**
 * The README's quickstart: an event-sourced bank account on the embedded in-memory store. Opens an
 * account, moves money, reloads it from its events, shows optimistic concurrency catching a lost
 * update, and prints the global event log.
 */
public final class Quickstart {

    private Quickstart() {
    }

    /**
     * Runs the quickstart and prints what it did.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the quickstart, printing to {@code out}.
     *
     * @param out where to print
     * @return the final balance in cents, for tests
     */
    public static long run(PrintStream out) {
        EventTypeRegistry types = EventTypeRegistry.builder()
                .register("account.opened.v1", AccountOpened.class)
                .register("account.money-deposited.v1", MoneyDeposited.class)
                .register("account.money-withdrawn.v1", MoneyWithdrawn.class)
                .build();
        try (EventStore store = InMemoryEventStore.create(JacksonEventSerializer.json(types))) {
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);

            AggregateId id = AggregateId.of("acc-42");
            Account account = Account.open(id, "Ada");
            account.deposit(10_000);
            account.withdraw(2_500);
            accounts.save(account);
            out.printf("saved account %s for %s: 3 events, balance %d cents%n", id, account.owner(),
                    account.balanceCents());

            Account reloaded = accounts.load(id);
            out.printf("reloaded from events: version %d, balance %d cents%n", reloaded.version(),
                    reloaded.balanceCents());

            Account first = accounts.load(id);
            Account second = accounts.load(id);
            first.deposit(500);
            accounts.save(first);
            second.withdraw(100);
            try {
                accounts.save(second);
                throw new IllegalStateException("a stale save must not succeed");
            } catch (ConcurrencyConflictException e) {
                out.println("stale save rejected: " + e.getMessage());
            }

            out.println("global event log:");
            try (EventStream log = store.readAll(1, 100)) {
                for (StoredEvent e : log) {
                    out.printf("  #%d %s v%d %s %s%n", e.position(), e.aggregateId(), e.version(), e.eventType(),
                            e.payload());
                }
            }
            long balance = accounts.load(id).balanceCents();
            out.printf("final balance: %d cents%n", balance);
            return balance;
        }
    }
}
