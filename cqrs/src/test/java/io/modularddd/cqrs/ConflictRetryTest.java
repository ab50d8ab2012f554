package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ConcurrencyConflictException;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.cqrs.Bank.Account;
import io.modularddd.cqrs.Bank.Deposit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {

    final InMemoryEventStore store = Bank.newStore();
    final AggregateRepository<Account> accounts = Bank.accounts(store);
    final List<Long> sleeps = new ArrayList<>();
    final AtomicInteger runs = new AtomicInteger();

    ConflictRetry retry(int attempts, double random) {
        return ConflictRetry.attempts(attempts).backoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .with(sleeps::add, () -> random);
    }

    @Test
    void a_conflicting_command_runs_again_against_the_reloaded_aggregate() {
        // given an account another writer deposits to while our first run is deciding
        accounts.save(Account.open("acc-1", "Ada"));
        UnitOfWork unitOfWork = UnitOfWork.on(store);
        AggregateRepository<Account> inUnit = unitOfWork.repository("Account", accounts);
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(retry(3, 0.5)).middleware(unitOfWork).build();
        bus.register(Deposit.class, command -> {
            Account account = inUnit.load(AggregateId.of(command.accountId()));
            if (runs.incrementAndGet() == 1) {
                Account other = Bank.accounts(store).load(account.id());
                other.deposit(1000);
                Bank.accounts(store).save(other); // the other writer commits first
            }
            account.deposit(command.cents());
            inUnit.save(account);
            return account.balance;
        });

        // when
        long balance = bus.dispatch(new Deposit("acc-1", 5));

        // then the second run saw the other deposit, and both are stored once
        assertThat(runs).hasValue(2);
        assertThat(balance).isEqualTo(1005);
        assertThat(accounts.load(AggregateId.of("acc-1")).balance).isEqualTo(1005);
        assertThat(store.currentVersion(AggregateId.of("acc-1"))).isEqualTo(3);
        assertThat(sleeps).singleElement().isEqualTo(7_500_000L); // half of 10 ms + 0.5 x the other half
    }

    @Test
    void attempts_are_bounded_and_the_last_conflict_carries_the_earlier_ones() {
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(retry(4, 0.0)).build();
        bus.register(Deposit.class, command -> {
            runs.incrementAndGet();
            throw new ConcurrencyConflictException(AggregateId.of(command.accountId()), ExpectedVersion.exactly(1), 2);
        });

        assertThatThrownBy(() -> bus.dispatch(new Deposit("acc-1", 5)))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                        e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(ConcurrencyConflictException.class));
        assertThat(runs).hasValue(4);
        // exponential with jitter 0: half of 10, 20, 40 ms
        assertThat(sleeps).containsExactly(5_000_000L, 10_000_000L, 20_000_000L);
    }

    @Test
    void the_backoff_grows_to_its_cap_and_the_jitter_stays_within_half_and_all_of_it() {
        ConflictRetry low = retry(10, 0.0);
        ConflictRetry high = retry(10, 0.999_999);

        assertThat(low.delayNanos(1)).isEqualTo(5_000_000L);
        assertThat(high.delayNanos(1)).isBetween(9_999_000L, 10_000_000L);
        assertThat(low.delayNanos(4)).isEqualTo(40_000_000L);
        assertThat(low.delayNanos(5)).isEqualTo(50_000_000L); // capped at 100 ms
        assertThat(high.delayNanos(9)).isBetween(99_999_000L, 100_000_000L);
    }

    @Test
    void other_failures_are_never_retried() {
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(retry(5, 0.0)).build();
        bus.register(Deposit.class, command -> {
            runs.incrementAndGet();
            throw new IllegalStateException("not a conflict");
        });

        assertThatThrownBy(() -> bus.dispatch(new Deposit("acc-1", 5))).isInstanceOf(IllegalStateException.class);
        assertThat(runs).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void an_interrupt_while_waiting_stops_retrying_and_keeps_the_interrupt() {
        ConflictRetry interrupted = ConflictRetry.attempts(5).with(nanos -> {
            throw new InterruptedException();
        }, () -> 0.0);
        SimpleCommandBus bus = SimpleCommandBus.builder().middleware(interrupted).build();
        bus.register(Deposit.class, command -> {
            runs.incrementAndGet();
            throw new ConcurrencyConflictException(AggregateId.of("acc-1"), ExpectedVersion.exactly(1), 2);
        });
        try {
            assertThatThrownBy(() -> bus.dispatch(new Deposit("acc-1", 5))).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(runs).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void one_attempt_means_no_retry_step_at_all() {
        CommandMiddleware.Invoker next = command -> null;

        assertThat(ConflictRetry.attempts(1).wrap(Deposit.class, next)).isSameAs(next);
    }

    @Test
    void settings_out_of_range_are_refused() {
        assertThatThrownBy(() -> ConflictRetry.attempts(0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("attempts");
        assertThatThrownBy(() -> ConflictRetry.attempts(101)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ConflictRetry.attempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(5)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("backoff");
        assertThatThrownBy(() -> ConflictRetry.attempts(3).backoff(Duration.ofMillis(-1), Duration.ofMillis(5)))
                .isInstanceOf(InvalidInputException.class);
    }
}
