package io.modularddd.benchmarks;

import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end throughput of {@link JdbcCommandQueue} on the benchmark MariaDB: {@code P} producer threads send
 * commands (about 100 bytes of JSON each, each with a fresh id) while {@code C} consumers, each with its own
 * queue client (as separate processes would have), poll batches and acknowledge every delivery one by one —
 * send, poll, acknowledge, the whole life of a command. Producers pause while more than {@code --backlog}
 * commands wait, so the queue neither runs dry nor grows without bound. After a warm-up it counts the
 * commands acknowledged in the measured window (commands/s), and the time from the start of {@code send} to
 * the end of {@code acknowledge} of every command completed in it (p50, p99).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.QueueThroughputProbe \
 *      [--consumers 1] [--producers 4] [--batch 10] [--backlog 2000] [--warmup 5] [--seconds 20]
 * </pre>
 * Uses a table {@code bench_queue_<random>}, dropped afterwards. A diagnostic with the exact command in
 * docs/benchmarks.md, not a JMH benchmark: a queue's steady state needs producers and consumers
 * running together, which one JMH method per thread group does not model well.
 */
public final class QueueThroughputProbe {

    private static final String QUEUE = "bench";
    private static final int MAX_SAMPLES = 4_000_000;

    private QueueThroughputProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args see the class comment
     * @throws Exception when the database fails or the run is interrupted
     */
    public static void main(String[] args) throws Exception {
        int consumers = 1;
        int producers = 4;
        int batch = 10;
        int backlog = 2000;
        int warmup = 5;
        int seconds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--consumers" -> consumers = Integer.parseInt(args[++i]);
                case "--producers" -> producers = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--backlog" -> backlog = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument '" + args[i] + "'; use --consumers C, --producers P, "
                            + "--batch B, --backlog N, --warmup S, --seconds S");
                    System.exit(2);
                }
            }
        }
        String table = BenchmarkServices.uniqueTable("bench_queue");
        List<JdbcCommandQueue> clients = new ArrayList<>();
        try {
            JdbcCommandQueue producerClient = client(table, producers + 1);
            clients.add(producerClient);
            producerClient.createSchema();
            for (int i = 0; i < consumers; i++) {
                clients.add(client(table, 2));
            }
            run(producerClient, clients.subList(1, clients.size()), producers, batch, backlog, warmup, seconds);
        } finally {
            clients.forEach(JdbcCommandQueue::close);
            try (Connection c = DriverManager.getConnection(BenchmarkDatabase.url(), BenchmarkDatabase.username(),
                    BenchmarkDatabase.password()); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS `" + table + "`");
            }
        }
    }

    private static JdbcCommandQueue client(String table, int poolSize) {
        return JdbcCommandQueue.builder().jdbcUrl(BenchmarkDatabase.url()).username(BenchmarkDatabase.username())
                .password(BenchmarkDatabase.password()).tableName(table).poolSize(poolSize)
                .leaseTime(Duration.ofSeconds(30)).maxAttempts(5).build();
    }

    private static void run(JdbcCommandQueue producer, List<JdbcCommandQueue> consumers, int producers, int batch,
                            int backlog, int warmup, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLongArray samples = new AtomicLongArray(MAX_SAMPLES);
        AtomicLong sampleCount = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(start("producer-" + p, () -> {
                while (!stop.get()) {
                    if (sent.get() - done.get() > backlog) {
                        LockSupport.parkNanos(200_000);
                        continue;
                    }
                    String body = "{\"sentAt\":" + System.nanoTime() + ",\"account\":\"acc-"
                            + UUID.randomUUID() + "\",\"amount\":100,\"note\":\"deposit\"}";
                    try {
                        producer.send(QUEUE, new QueuedCommand(UUID.randomUUID().toString(), "Bench.Deposit",
                                body.getBytes(StandardCharsets.UTF_8)));
                        sent.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (int c = 0; c < consumers.size(); c++) {
            JdbcCommandQueue client = consumers.get(c);
            String name = "consumer-" + c;
            threads.add(start(name, () -> {
                while (!stop.get()) {
                    try {
                        for (Delivery d : client.poll(QUEUE, name, batch, Duration.ofMillis(100))) {
                            client.acknowledge(d);
                            done.incrementAndGet();
                            if (measuring.get()) {
                                long n = sampleCount.getAndIncrement();
                                if (n < MAX_SAMPLES) {
                                    samples.set((int) n, System.nanoTime() - sentAt(d));
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        long fsyncsBefore = fsyncs();
        long doneBefore = done.get();
        long sentBefore = sent.get();
        long started = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - started;
        long doneInWindow = done.get() - doneBefore;
        long sentInWindow = sent.get() - sentBefore;
        long fsyncsInWindow = fsyncs() - fsyncsBefore;
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
        int n = (int) Math.min(sampleCount.get(), MAX_SAMPLES);
        long[] latencies = new long[n];
        for (int i = 0; i < n; i++) {
            latencies[i] = samples.get(i);
        }
        Arrays.sort(latencies);
        double secondsMeasured = elapsed / 1e9;
        System.out.printf(Locale.ROOT, "consumers=%d producers=%d batch=%d backlog=%d window=%.1fs%n",
                consumers.size(), producers, batch, backlog, secondsMeasured);
        System.out.printf(Locale.ROOT, "  completed (send -> poll -> ack): %.0f commands/s%n",
                doneInWindow / secondsMeasured);
        System.out.printf(Locale.ROOT, "  sent: %.0f commands/s; server fsyncs: %.0f/s; failures: %d%n",
                sentInWindow / secondsMeasured, fsyncsInWindow / secondsMeasured, failures.get());
        if (n > 0) {
            System.out.printf(Locale.ROOT, "  send start -> ack end: p50 %.2f ms, p99 %.2f ms (%d commands)%n",
                    latencies[n / 2] / 1e6, latencies[Math.min(n - 1, (int) (n * 0.99))] / 1e6, n);
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long sentAt(Delivery d) {
        String body = new String(d.command().payload(), StandardCharsets.UTF_8);
        int start = body.indexOf(':') + 1;
        return Long.parseLong(body.substring(start, body.indexOf(',', start)));
    }

    /** InnoDB fsyncs (Innodb_data_fsyncs) of the whole server (other clients included). */
    private static long fsyncs() throws SQLException {
        try (Connection c = DriverManager.getConnection(BenchmarkDatabase.url(), BenchmarkDatabase.username(),
                BenchmarkDatabase.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_data_fsyncs'")) {
            return rs.next() ? rs.getLong(2) : 0;
        }
    }
}
