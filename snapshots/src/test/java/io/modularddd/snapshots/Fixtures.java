package io.modularddd.snapshots;

import com.github.benmanes.caffeine.cache.Ticker;
import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.core.aggregate.Snapshotable;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** A test aggregate, a manual executor and a manual ticker. */
final class Fixtures {

    private Fixtures() {
    }

    record Opened(String owner) {
    }

    record Deposited(long amount) {
    }

    record WalletState(String owner, long balance) {
    }

    static final EventTypeRegistry TYPES = EventTypeRegistry.builder()
            .register("wallet.opened.v1", Opened.class)
            .register("wallet.deposited.v1", Deposited.class)
            .build();

    static final JacksonEventSerializer SERIALIZER = JacksonEventSerializer.json(TYPES);

    static class Wallet extends AggregateRoot<Wallet> implements Snapshotable<WalletState> {
        private static final EventHandlers<Wallet> HANDLERS = EventHandlers.<Wallet>builder()
                .on(Opened.class, (w, e) -> w.owner = e.owner())
                .on(Deposited.class, (w, e) -> w.balance += e.amount())
                .build();
        String owner;
        long balance;
        int schemaVersion = 1;

        Wallet(AggregateId id) {
            super(id, HANDLERS);
        }

        void open(String who) {
            raise(new Opened(who));
        }

        void deposit(long amount) {
            raise(new Deposited(amount));
        }

        @Override
        public WalletState snapshot() {
            return new WalletState(owner, balance);
        }

        @Override
        public void restore(WalletState s) {
            owner = s.owner();
            balance = s.balance();
        }

        @Override
        public int snapshotSchemaVersion() {
            return schemaVersion;
        }
    }

    /** Runs submitted tasks only when told to, so a test sees what happens before and after. */
    static final class ManualExecutor implements Executor {
        final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int runAll() {
            int n = 0;
            while (!tasks.isEmpty()) {
                tasks.poll().run();
                n++;
            }
            return n;
        }
    }

    /** A ticker tests move by hand. */
    static final class ManualTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
