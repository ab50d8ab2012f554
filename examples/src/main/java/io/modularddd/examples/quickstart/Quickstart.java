package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.io.PrintStream;

/**
 * The README's quickstart: an event-sourced bank account on the embedded in-memory store. Opens an
 * account, moves money, reloads it from its events, shows optimistic concurrency catching a lost
 * update, and prints the global event log. The code between the {@code tag::} markers is what the
 * README shows; a test keeps the two identical.
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
        // tag::in-memory[]
        EventTypeRegistry types = AccountEvents.registry();                 // stable names <-> event classes
        try (EventStore store = InMemoryEventStore.create(JacksonEventSerializer.json(types))) {
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);

            Account account = Account.open(AggregateId.of("acc-42"), "Ada");   // raises AccountOpened
            account.deposit(10_000);                                            // raises MoneyDeposited
            accounts.save(account);                                             // one atomic append

            Account first = accounts.load(AggregateId.of("acc-42"));            // replayed from its events
            Account second = accounts.load(AggregateId.of("acc-42"));
            first.withdraw(2_500);
            accounts.save(first);
            second.withdraw(9_000);
            try {
                accounts.save(second);                                          // someone saved first
            } catch (ConcurrencyConflictException e) {
                out.println("stale save rejected: " + e.getMessage());
            }

            try (EventStream log = store.readAll(1, 100)) {                     // the global, gap-free log
                log.forEach(e -> out.println("#" + e.position() + " " + e.aggregateId() + " v" + e.version()
                        + " " + e.eventType() + " " + e.payload()));
            }
            long balance = accounts.load(AggregateId.of("acc-42")).balanceCents();
            out.println("final balance: " + balance + " cents");
            return balance;
        }
        // end::in-memory[]
    }
}
