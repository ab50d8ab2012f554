package io.modularddd.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.serialization.EventSerializer;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.eventstore.redis.RedisHotTier;
import io.modularddd.eventstore.redis.TieredEventStore;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.RedisClient;

/**
 * Issue 3's memory target: a 1,000,000-event stream is read through {@code load()} in a JVM capped at
 * {@code -Xmx64m}. Makes sure the stream exists in a MariaDB {@link JdbcEventStore} table (appending
 * what is missing in transactions of 1,000 events), then streams it through {@code load()}, counting
 * events and checking that versions run 1, 2, 3, ... without a gap and positions only grow. Prints
 * the count, the time, and the heap: the highest heap use sampled every 10,000 events, the sum of the
 * heap pools' peaks, the old generation's occupancy after its last collection (the live set), and the
 * collections that ran. Exits with status 1 when anything is off (and the JVM's own error status on an
 * {@link OutOfMemoryError}).
 *
 * <pre>
 * java -Xmx64m -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.LargeStreamCheck \
 *      [--events 1000000] [--table bench_large_stream] [--drop] [--tiered]
 * </pre>
 * <ul>
 *   <li>Without {@code --tiered} the table (default {@code bench_large_stream}) is reused when it
 *       already holds the stream, so a second run only reads; {@code --drop} drops it at the end.</li>
 *   <li>{@code --tiered}: a fresh table (always dropped at the end) and a fresh Redis key prefix; the
 *       stream is appended through a {@link TieredEventStore}, so Redis holds all of it (about 294 bytes
 *       per member plus Redis's own per-entry overhead: an estimated 300+ MB of Redis memory for
 *       1,000,000 events, freed at the end by SCAN + UNLINK), and read back through the tiered store — page after page of 500 from
 *       Redis. The check also fails if any page had to come from MariaDB.</li>
 * </ul>
 */
public final class LargeStreamCheck {

    private static final int CHUNK = 1_000;
    private static final int SAMPLE_EVERY = 10_000;

    private LargeStreamCheck() {
    }

    /**
     * Runs the check.
     *
     * @param args {@code --events N}, {@code --table NAME}, {@code --drop}, {@code --tiered}
     */
    public static void main(String[] args) {
        long events = 1_000_000;
        String table = "bench_large_stream";
        boolean drop = false;
        boolean tiered = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[++i]);
                case "--table" -> table = args[++i];
                case "--drop" -> drop = true;
                case "--tiered" -> tiered = true;
                default -> {
                    System.err.println("unknown argument '" + args[i] + "'; use --events N, --table NAME, --drop, --tiered");
                    System.exit(2);
                }
            }
        }
        if (tiered) {
            table = BenchmarkServices.uniqueTable("bench_large_tiered");
            drop = true;
        }
        System.exit(run(events, table, drop, tiered) ? 0 : 1);
    }

    private static boolean run(long events, String table, boolean drop, boolean tiered) {
        System.out.printf(Locale.ROOT, "JVM max heap %.1f MiB, %s%n%s%n", mib(Runtime.getRuntime().maxMemory()),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                BenchmarkServices.describeMariaDb());
        EventTypeRegistry registry = EventTypeRegistry.builder().register(BenchEvent.TYPE, BenchEvent.class).build();
        EventSerializer serializer = JacksonEventSerializer.json(registry);
        AggregateId id = AggregateId.of("large-stream-" + events);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String prefix = BenchmarkServices.uniquePrefix("large");
        JdbcEventStore jdbc = BenchmarkServices.jdbcEventStore(table, serializer);
        EventStore store = jdbc;
        RedisClient redis = null;
        try {
            if (tiered) {
                redis = BenchmarkServices.redisClient();
                System.out.println(BenchmarkServices.describeRedis());
                RedisHotTier hot = BenchmarkServices.hotTier(prefix).serializer(serializer).meterRegistry(meters)
                        .build();
                store = TieredEventStore.of(jdbc, hot);
            }
            System.out.println("store: " + store + ", table " + table + ", stream " + id.value());
            if (!ensureStream(store, id, events)) {
                return false;
            }
            boolean ok = readAndCheck(store, id, events);
            if (tiered) {
                double hits = sum(meters, "hits");
                double misses = sum(meters, "misses");
                double fallbacks = sum(meters, "fallbacks");
                System.out.printf(Locale.ROOT, "hot tier: %.0f pages served by Redis, %.0f misses, %.0f fallbacks%n",
                        hits, misses, fallbacks);
                if (misses > 0 || fallbacks > 0 || hits == 0) {
                    System.out.println("FAILED: the tiered read did not come from Redis alone");
                    ok = false;
                }
            }
            return ok;
        } finally {
            store.close();
            if (redis != null) {
                System.out.println("deleted " + BenchmarkServices.deleteKeys(redis, prefix) + " Redis key(s) under "
                        + prefix);
                redis.close();
            }
            if (drop) {
                BenchmarkServices.dropTables(table);
                System.out.println("dropped table " + table);
            }
        }
    }

    /** Appends whatever is missing of the stream, 1,000 events per transaction. */
    private static boolean ensureStream(EventStore store, AggregateId id, long events) {
        long version = store.currentVersion(id);
        if (version > events) {
            System.out.println("FAILED: the stream already has " + version + " events, more than " + events);
            return false;
        }
        if (version == events) {
            System.out.println("the stream already holds " + events + " events");
            return true;
        }
        System.out.printf(Locale.ROOT, "appending %,d events (the stream is at version %,d) in transactions of %,d%n",
                events - version, version, CHUNK);
        long start = System.nanoTime();
        while (version < events) {
            int n = (int) Math.min(CHUNK, events - version);
            List<NewEvent> chunk = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                chunk.add(NewEvent.of(BenchEvent.sample(version + i)));
            }
            ExpectedVersion expected = version == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exactly(version);
            version = store.append(new AppendRequest(id, "Account", expected, chunk)).lastVersion();
            if (version % 100_000 == 0) {
                System.out.printf(Locale.ROOT, "  ... %,d events, %.1f s%n", version, seconds(start));
            }
        }
        System.out.printf(Locale.ROOT, "appended in %.1f s%n", seconds(start));
        return true;
    }

    /** Streams the whole stream through load(), checking order, and reports time and heap. */
    private static boolean readAndCheck(EventStore store, AggregateId id, long events) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<MemoryPoolMXBean> heapPools = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool);
            }
        }
        System.gc();
        long gcCountBefore = gcCount();
        long gcTimeBefore = gcTime();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long usedBefore = memory.getHeapMemoryUsage().getUsed();
        long maxSampled = usedBefore;
        long count = 0;
        long expectedVersion = 1;
        long lastPosition = 0;
        String problem = null;
        long start = System.nanoTime();
        try (EventStream stream = store.load(id)) {
            for (StoredEvent e : stream) {
                count++;
                if (problem == null) {
                    if (e.version() != expectedVersion) {
                        problem = "version " + e.version() + " where " + expectedVersion + " was expected";
                    } else if (e.position() <= lastPosition) {
                        problem = "position " + e.position() + " after " + lastPosition + " at version " + e.version();
                    } else if (!e.aggregateId().equals(id) || !(e.payload() instanceof BenchEvent)) {
                        problem = "a foreign event at version " + e.version() + ": " + e;
                    }
                }
                expectedVersion++;
                lastPosition = e.position();
                if (count % SAMPLE_EVERY == 0) {
                    maxSampled = Math.max(maxSampled, memory.getHeapMemoryUsage().getUsed());
                }
            }
        }
        double elapsed = seconds(start);
        long peakPools = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            peakPools += pool.getPeakUsage().getUsed();
        }
        System.out.printf(Locale.ROOT, "read %,d events in %.1f s (%,.0f events/s)%n", count, elapsed, count / elapsed);
        System.out.printf(Locale.ROOT, "heap: %.1f MiB used before the read; highest sampled during it %.1f MiB; "
                + "sum of heap pool peaks %.1f MiB (an upper bound: pools peak at different times); "
                + "max heap %.1f MiB%n", mib(usedBefore), mib(maxSampled), mib(peakPools),
                mib(Runtime.getRuntime().maxMemory()));
        for (MemoryPoolMXBean pool : heapPools) {
            if (pool.getCollectionUsage() != null && pool.getName().matches("(?i).*(old|tenured).*")) {
                System.out.printf(Locale.ROOT, "  %s after its last collection: %.1f MiB%n",
                        pool.getName(), mib(pool.getCollectionUsage().getUsed()));
            }
        }
        System.out.printf(Locale.ROOT, "GC during the read: %d collections, %d ms (%s)%n", gcCount() - gcCountBefore,
                gcTime() - gcTimeBefore, collectors());
        boolean ok = true;
        if (count != events) {
            System.out.printf(Locale.ROOT, "FAILED: read %,d events, expected %,d%n", count, events);
            ok = false;
        }
        if (problem != null) {
            System.out.println("FAILED: " + problem);
            ok = false;
        }
        System.out.println(ok ? "OK: " + count + " events, versions 1.." + count + " contiguous, positions increasing"
                : "FAILED");
        return ok;
    }

    private static String collectors() {
        StringBuilder sb = new StringBuilder();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(gc.getName()).append(": ").append(gc.getCollectionCount())
                    .append(" since start");
        }
        return sb.toString();
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long gcTime() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    private static double sum(SimpleMeterRegistry meters, String name) {
        return meters.find("modularddd.hot_tier." + name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
