package io.modularddd.benchmarks;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large global log on MariaDB for the projection catch-up benchmarks, kept between runs: a
 * {@link JdbcEventStore} table (default {@value #DEFAULT_TABLE}) holding at least the asked number of events
 * (~200-byte {@link BenchEvent} payloads, {@value #EVENTS_PER_STREAM} per stream, streams {@code cu-<n>}),
 * seeded fast through {@link JdbcEventStore#appendBatch} — {@value #STREAMS_PER_BATCH} new streams per call,
 * {@value #SEED_THREADS} threads, so group commit packs them into large transactions. A second run finds the
 * events there and only reads.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.CatchUpLog [--events 1000000]
 *      [--table bench_catchup] [--drop]
 * </pre>
 * Seeding 1,000,000 events takes about a minute on a laptop-class MariaDB; {@code --drop} drops the tables
 * instead.
 */
public final class CatchUpLog {

    /** The table the benchmarks reuse. */
    public static final String DEFAULT_TABLE = "bench_catchup";
    /** Events per stream. */
    public static final int EVENTS_PER_STREAM = 10;
    /** Streams per {@code appendBatch} call (1,000 events). */
    public static final int STREAMS_PER_BATCH = 100;
    /** Concurrent seeding threads. */
    public static final int SEED_THREADS = 4;

    private CatchUpLog() {
    }

    /**
     * The serializer of the log's events.
     *
     * @return a Jackson JSON serializer knowing {@link BenchEvent}
     */
    public static EventSerializer serializer() {
        return JacksonEventSerializer.json(EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class)
                .build());
    }

    /**
     * Opens the store on {@code table} (creating the schema if needed) and seeds it to at least {@code events}.
     *
     * @param table  the table
     * @param events the events wanted
     * @return the store; the caller closes it
     */
    public static JdbcEventStore openSeeded(String table, long events) {
        JdbcEventStore store = BenchmarkServices.jdbcEventStore(table, serializer());
        try {
            seed(store, events);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Appends events until the store's head position is at least {@code events}. Streams are numbered on
     * from the head, so a partly seeded table is completed (by whole batches: it may end a little above).
     *
     * @param store  the store
     * @param events the events wanted
     * @return the head position afterwards
     */
    public static long seed(JdbcEventStore store, long events) {
        long head = store.headPosition();
        if (head >= events) {
            return head;
        }
        long perBatch = (long) STREAMS_PER_BATCH * EVENTS_PER_STREAM;
        long batches = (events - head + perBatch - 1) / perBatch;
        long firstStream = head / EVENTS_PER_STREAM + 1;
        AtomicLong nextBatch = new AtomicLong();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < SEED_THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (long b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                        store.appendBatch(batch(firstStream + b * STREAMS_PER_BATCH));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seeding was interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("seeding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        long after = store.headPosition();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "CatchUpLog: seeded %,d events into %s in %.1f s (%,.0f events/s); head %,d%n",
                after - head, store.tableName(), seconds, (after - head) / seconds, after);
        return after;
    }

    /** {@value #STREAMS_PER_BATCH} new streams of {@value #EVENTS_PER_STREAM} events, from stream {@code first}. */
    private static List<AppendRequest> batch(long first) {
        List<AppendRequest> requests = new ArrayList<>(STREAMS_PER_BATCH);
        for (long s = first; s < first + STREAMS_PER_BATCH; s++) {
            List<NewEvent> events = new ArrayList<>(EVENTS_PER_STREAM);
            for (int i = 0; i < EVENTS_PER_STREAM; i++) {
                events.add(NewEvent.of(BenchEvent.sample(s * EVENTS_PER_STREAM + i)));
            }
            requests.add(new AppendRequest(AggregateId.of("cu-" + s), "Account", ExpectedVersion.noStream(), events));
        }
        return requests;
    }

    /**
     * Seeds (or drops) the log.
     *
     * @param args {@code [--events N] [--table name] [--drop]}
     */
    public static void main(String[] args) {
        long events = 1_000_000;
        String table = DEFAULT_TABLE;
        boolean drop = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[++i]);
                case "--table" -> table = args[++i];
                case "--drop" -> drop = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use [--events N] [--table name] [--drop]");
            }
        }
        if (drop) {
            BenchmarkServices.dropTables(table);
            System.out.println("CatchUpLog: dropped " + table);
            return;
        }
        try (JdbcEventStore store = openSeeded(table, events)) {
            System.out.printf(Locale.ROOT, "CatchUpLog: %s holds %,d events%n", table, store.headPosition());
        }
    }
}
