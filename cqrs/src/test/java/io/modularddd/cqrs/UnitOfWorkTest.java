package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ForwardingEventStore;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.cqrs.Bank.Account;
import io.modularddd.cqrs.Bank.Deposit;
import io.modularddd.cqrs.Bank.Deposited;
import io.modularddd.cqrs.Bank.Open;
import io.modularddd.cqrs.Bank.Transfer;
import io.modularddd.cqrs.Bank.Withdrawn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnitOfWorkTest {

    /** Counts the store's appends, and runs a hook between the handler's return and the commit. */
    static final class CountingStore extends ForwardingEventStore {
        final AtomicInteger appends = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        volatile Consumer<List<AppendRequest>> beforeAppend = r -> { };
        volatile Runnable afterAppend = () -> { };

        CountingStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public AppendResult append(AppendRequest request) {
            appends.incrementAndGet();
            beforeAppend.accept(List.of(request));
            AppendResult result = super.append(request);
            afterAppend.run();
            return result;
        }

        @Override
        public List<AppendResult> appendBatch(List<AppendRequest> requests) {
            batches.incrementAndGet();
            beforeAppend.accept(requests);
            List<AppendResult> results = super.appendBatch(requests);
            afterAppend.run();
            return results;
        }
    }

    final InMemoryEventStore base = Bank.newStore();
    final CountingStore store = new CountingStore(base);
    final UnitOfWork unitOfWork = UnitOfWork.on(store);
    final AggregateRepository<Account> plain = Bank.accounts(store);
    final AggregateRepository<Account> accounts = unitOfWork.repository("Account", plain);
    SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).build();

    @BeforeEach
    void handlers() {
        bus.register(Open.class, command -> {
            accounts.save(Account.open(command.accountId(), command.owner()));
            return null;
        });
        bus.register(Transfer.class, command -> {
            Account from = accounts.load(AggregateId.of(command.from()));
            Account to = accounts.load(AggregateId.of(command.to()));
            from.withdraw(command.cents());
            to.deposit(command.cents());
            accounts.save(from);
            accounts.save(to);
            return null;
        });
    }

    void open(String id, long cents) {
        Account account = Account.open(id, "owner of " + id);
        if (cents > 0) {
            account.deposit(cents);
        }
        plain.save(account);
        store.appends.set(0);
    }

    long balance(String id) {
        return Bank.accounts(base).load(AggregateId.of(id)).balance;
    }

    @Test
    void every_aggregate_a_handler_saves_is_appended_in_one_atomic_batch_after_it_returns() {
        open("a", 100);
        open("b", 0);

        bus.dispatch(new Transfer("a", "b", 30));

        assertThat(store.batches).hasValue(1);
        assertThat(store.appends).hasValue(0);
        assertThat(balance("a")).isEqualTo(70);
        assertThat(balance("b")).isEqualTo(30);
        try (EventStream log = base.readAll(base.headPosition() - 1, 10)) {
            assertThat(log.stream().map(StoredEvent::payload).toList())
                    .containsExactly(new Withdrawn(30), new Deposited(30));
        }
    }

    @Test
    void a_save_inside_a_handler_is_recorded_not_appended() {
        open("a", 100);
        long[] versionSeenInHandler = new long[1];
        bus.register(Deposit.class, command -> {
            Account account = accounts.load(AggregateId.of(command.accountId()));
            account.deposit(command.cents());
            assertThat(accounts.save(account)).isEmpty();
            versionSeenInHandler[0] = base.currentVersion(account.id());
            assertThat(unitOfWork.isActive()).isTrue();
            return account.balance;
        });

        long balance = bus.dispatch(new Deposit("a", 1));

        assertThat(versionSeenInHandler[0]).isEqualTo(2);
        assertThat(base.currentVersion(AggregateId.of("a"))).isEqualTo(3);
        assertThat(balance).isEqualTo(101);
        assertThat(store.appends).as("one aggregate: a plain append").hasValue(1);
        assertThat(store.batches).hasValue(0);
        assertThat(unitOfWork.isActive()).isFalse();
    }

    @Test
    void a_handler_that_throws_after_saving_stores_nothing() {
        open("a", 100);
        open("b", 0);
        bus.register(Deposit.class, command -> {
            Account a = accounts.load(AggregateId.of("a"));
            a.withdraw(10);
            accounts.save(a);
            throw new IllegalStateException("changed my mind");
        });
        long head = base.headPosition();

        assertThatThrownBy(() -> bus.dispatch(new Deposit("a", 1))).isInstanceOf(IllegalStateException.class);

        assertThat(base.headPosition()).isEqualTo(head);
        assertThat(unitOfWork.isActive()).isFalse();
    }

    @Test
    void a_conflict_on_one_aggregate_stores_none_of_them() {
        open("a", 100);
        open("b", 0);
        // another writer changes b between the handler's load and the commit
        store.beforeAppend = requests -> {
            store.beforeAppend = r -> { };
            Account b = Bank.accounts(base).load(AggregateId.of("b"));
            b.deposit(1);
            Bank.accounts(base).save(b);
        };
        long head = base.headPosition();

        assertThatThrownBy(() -> bus.dispatch(new Transfer("a", "b", 30)))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                        e -> assertThat(e.aggregateId()).isEqualTo(AggregateId.of("b")));

        assertThat(base.headPosition()).as("only the other writer's event").isEqualTo(head + 1);
        assertThat(balance("a")).isEqualTo(100);
        assertThat(balance("b")).isEqualTo(1);
    }

    @Test
    void with_retry_outside_a_conflicting_unit_runs_again_and_commits_once() {
        open("a", 100);
        open("b", 0);
        SimpleCommandBus retrying = SimpleCommandBus.builder()
                .middleware(ConflictRetry.attempts(3).backoff(Duration.ZERO, Duration.ZERO))
                .middleware(unitOfWork).build();
        AtomicInteger runs = new AtomicInteger();
        retrying.register(Transfer.class, command -> {
            runs.incrementAndGet();
            Account from = accounts.load(AggregateId.of(command.from()));
            Account to = accounts.load(AggregateId.of(command.to()));
            from.withdraw(command.cents());
            to.deposit(command.cents());
            accounts.save(from);
            accounts.save(to);
            return null;
        });
        store.beforeAppend = requests -> {
            store.beforeAppend = r -> { };
            Account b = Bank.accounts(base).load(AggregateId.of("b"));
            b.deposit(1);
            Bank.accounts(base).save(b);
        };

        retrying.dispatch(new Transfer("a", "b", 30));

        assertThat(runs).hasValue(2);
        assertThat(balance("a")).isEqualTo(70);
        assertThat(balance("b")).isEqualTo(31);
    }

    @Test
    void loading_one_aggregate_twice_in_a_unit_gives_the_same_instance() {
        open("a", 100);
        bus.register(Deposit.class, command -> {
            Account first = accounts.load(AggregateId.of("a"));
            first.deposit(1);
            Account second = accounts.load(AggregateId.of("a"));
            assertThat(second).isSameAs(first);
            second.deposit(2);
            accounts.save(first);
            accounts.save(second);
            return second.balance;
        });

        long balance = bus.dispatch(new Deposit("a", 0));

        assertThat(balance).isEqualTo(103);
        assertThat(balance("a")).isEqualTo(103);
    }

    @Test
    void two_instances_of_one_aggregate_cannot_both_be_saved() {
        open("a", 100);
        bus.register(Deposit.class, command -> {
            Account first = accounts.load(AggregateId.of("a"));
            Account stray = plain.load(AggregateId.of("a"));
            first.deposit(1);
            stray.deposit(2);
            accounts.save(first);
            accounts.save(stray);
            return 0L;
        });
        long head = base.headPosition();

        assertThatThrownBy(() -> bus.dispatch(new Deposit("a", 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two different instances of Account 'a'");
        assertThat(base.headPosition()).isEqualTo(head);
    }

    @Test
    void a_new_aggregate_is_stored_as_a_new_stream_and_a_second_open_conflicts() {
        bus.dispatch(new Open("n", "Ada"));

        assertThat(base.currentVersion(AggregateId.of("n"))).isEqualTo(1);
        assertThatThrownBy(() -> bus.dispatch(new Open("n", "Bob"))).isInstanceOf(ConcurrencyConflictException.class);
    }

    @Test
    void a_command_dispatched_by_a_handler_joins_the_open_unit() {
        open("a", 100);
        open("b", 0);
        bus.register(Deposit.class, command -> {
            bus.dispatch(new Transfer("a", "b", 10)); // nested: joins
            Account b = accounts.load(AggregateId.of("b"));
            b.deposit(command.cents());
            accounts.save(b);
            assertThat(base.currentVersion(AggregateId.of("a"))).as("nothing committed yet").isEqualTo(2);
            return b.balance;
        });

        long balance = bus.dispatch(new Deposit("b", 5));

        assertThat(balance).isEqualTo(15);
        assertThat(store.batches).hasValue(1);
        assertThat(balance("a")).isEqualTo(90);
        assertThat(balance("b")).isEqualTo(15);
    }

    @Test
    void the_unit_is_closed_before_its_commit_so_a_command_dispatched_after_the_commit_is_its_own() {
        open("a", 100);
        open("b", 0);
        List<String> seen = new ArrayList<>();
        store.afterAppend = () -> {
            store.afterAppend = () -> { };
            seen.add("active during commit: " + unitOfWork.isActive());
            bus.dispatch(new Open("audit", "listener")); // e.g. a realtime projection reacting to the commit
        };

        bus.dispatch(new Transfer("a", "b", 30));

        assertThat(seen).containsExactly("active during commit: false");
        assertThat(base.currentVersion(AggregateId.of("audit"))).isEqualTo(1);
    }

    @Test
    void outside_a_unit_the_repository_saves_directly() {
        Account account = Account.open("direct", "Ada");

        assertThat(accounts.save(account)).isPresent();
        assertThat(base.currentVersion(AggregateId.of("direct"))).isEqualTo(1);
        assertThat(accounts.find(AggregateId.of("nope"))).isEmpty();
    }

    @Test
    void metadata_given_to_save_reaches_every_event() {
        open("a", 100);
        bus.register(Deposit.class, command -> {
            Account a = accounts.load(AggregateId.of("a"));
            a.deposit(1);
            accounts.save(a, EventMetadata.empty().with(EventMetadata.CORRELATION_ID, "corr-1"));
            a.deposit(2);
            accounts.save(a, EventMetadata.empty().with("tenant", "t-9"));
            return a.balance;
        });

        bus.dispatch(new Deposit("a", 0));

        try (EventStream events = base.load(AggregateId.of("a"), 3)) {
            assertThat(events.stream().map(e -> e.metadata().entries()).toList()).allSatisfy(m -> assertThat(m)
                    .containsEntry(EventMetadata.CORRELATION_ID, "corr-1").containsEntry("tenant", "t-9")).hasSize(2);
        }
    }

    @Test
    void one_stream_through_two_repositories_in_one_unit_is_refused() {
        open("a", 100);
        AggregateRepository<Account> other = unitOfWork.repository("Wallet", Bank.accounts(store));
        bus.register(Deposit.class, command -> {
            accounts.load(AggregateId.of("a"));
            other.load(AggregateId.of("a"));
            return 0L;
        });

        assertThatThrownBy(() -> bus.dispatch(new Deposit("a", 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two repositories").hasMessageContaining("Account and Wallet");
    }

    @Test
    void bad_arguments_are_refused() {
        assertThatThrownBy(() -> UnitOfWork.on(null)).isInstanceOf(io.modularddd.core.InvalidInputException.class);
        assertThatThrownBy(() -> unitOfWork.repository(" ", plain))
                .isInstanceOf(io.modularddd.core.InvalidInputException.class);
        assertThatThrownBy(() -> unitOfWork.repository("Account", null))
                .isInstanceOf(io.modularddd.core.InvalidInputException.class);
    }

    /** A repository that records what the unit of work tells it after a commit, and can fail at it. */
    static final class ToldRepository implements AggregateRepository<Account> {
        final AggregateRepository<Account> delegate;
        final List<String> told = new ArrayList<>();
        volatile boolean failWhenTold;

        ToldRepository(AggregateRepository<Account> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Account load(AggregateId id) {
            return delegate.load(id);
        }

        @Override
        public java.util.Optional<Account> find(AggregateId id) {
            return delegate.find(id);
        }

        @Override
        public java.util.Optional<AppendResult> save(Account aggregate, EventMetadata metadata) {
            return delegate.save(aggregate, metadata);
        }

        @Override
        public void committed(Account aggregate, List<io.modularddd.core.NewEvent> events, AppendResult result) {
            told.add(aggregate.id().value() + "@" + aggregate.version() + " " + events.size() + " event(s) "
                    + result.firstVersion() + ".." + result.lastVersion() + " " + events.get(0).metadata().entries());
            if (failWhenTold) {
                throw new IllegalStateException("snapshot store down");
            }
        }
    }

    @Test
    void after_the_commit_each_wrapped_repository_is_told_what_was_appended_for_it() {
        open("a", 100);
        open("b", 0);
        ToldRepository told = new ToldRepository(plain);
        AggregateRepository<Account> wrapped = unitOfWork.repository("Account", told);
        bus.register(Deposit.class, command -> {
            Account from = wrapped.load(AggregateId.of("a"));
            Account to = wrapped.load(AggregateId.of("b"));
            from.withdraw(command.cents());
            to.deposit(command.cents());
            wrapped.save(from, EventMetadata.empty().with("correlation", "c-1"));
            wrapped.save(to);
            assertThat(told.told).as("nothing is told before the commit").isEmpty();
            return 0L;
        });

        bus.dispatch(new Deposit("x", 5));

        assertThat(told.told).containsExactly("a@3 1 event(s) 3..3 {correlation=c-1}", "b@2 1 event(s) 2..2 {}");
    }

    @Test
    void a_repository_failing_when_told_never_fails_the_command_whose_events_are_stored() {
        open("a", 100);
        ToldRepository told = new ToldRepository(plain);
        told.failWhenTold = true;
        AggregateRepository<Account> wrapped = unitOfWork.repository("Account", told);
        bus.register(Deposit.class, command -> {
            Account account = wrapped.load(AggregateId.of(command.accountId()));
            account.deposit(command.cents());
            wrapped.save(account);
            return account.balance;
        });

        assertThat(bus.dispatch(new Deposit("a", 7))).isEqualTo(107L);
        assertThat(told.told).hasSize(1);
        assertThat(balance("a")).isEqualTo(107);
    }

    @Test
    void nothing_is_told_when_the_commit_fails() {
        open("a", 100);
        ToldRepository told = new ToldRepository(plain);
        AggregateRepository<Account> wrapped = unitOfWork.repository("Account", told);
        bus.register(Deposit.class, command -> {
            Account account = wrapped.load(AggregateId.of(command.accountId()));
            account.deposit(command.cents());
            wrapped.save(account);
            Account stale = Bank.accounts(base).load(AggregateId.of(command.accountId()));
            stale.deposit(1);
            Bank.accounts(base).save(stale);                  // another writer gets there first
            return account.balance;
        });

        assertThatThrownBy(() -> bus.dispatch(new Deposit("a", 7))).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(told.told).isEmpty();
    }
}
