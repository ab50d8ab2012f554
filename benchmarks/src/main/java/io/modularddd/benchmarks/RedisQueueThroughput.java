package io.modularddd.benchmarks;

import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.eventstore.redis.RedisCommandQueue;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.RedisClient;

/**
 * Issue 14's queue throughput for the Redis Streams transport: commands per second end to end (send, then
 * poll, then acknowledge) through {@link RedisCommandQueue} on the benchmark Redis, at 1 and 4 consumers.
 * Not JMH: a pipeline of producers and consumers has no single operation to time, so this main measures
 * the wall time of whole runs. Two shapes per consumer count:
 *
 * <ul>
 *   <li>{@code live}: {@code P} producer threads send {@code N} commands while {@code C} consumer threads
 *       poll (batches of {@code B}, 100 ms wait) and acknowledge each delivery; from the first send to the
 *       last acknowledgement. Also the send-to-acknowledge latency of every command (p50, p99).</li>
 *   <li>{@code drain}: {@code N} commands sent first (the send rate is printed), then {@code C} consumers
 *       empty the queue: the consumer side alone.</li>
 * </ul>
 * Each client is its own {@code RedisCommandQueue} (as separate nodes would be); the commands carry a
 * 200-byte payload. One warm-up run per shape, then {@code R} measured runs; the median is printed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.modularddd.benchmarks.RedisQueueThroughput \
 *      [--commands 20000] [--producers 4] [--batch 50] [--rounds 3] [--consumers 1,4]
 * </pre>
 * Keys live under a fresh prefix and are deleted afterwards (SCAN + UNLINK).
 */
public final class RedisQueueThroughput {

    private static final int PAYLOAD_BYTES = 200;

    private RedisQueueThroughput() {
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     * @throws Exception when a run fails
     */
    public static void main(String[] args) throws Exception {
        int commands = 20_000;
        int producers = 4;
        int batch = 50;
        int rounds = 3;
        int[] consumerCounts = {1, 4};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--commands" -> commands = Integer.parseInt(args[++i]);
                case "--producers" -> producers = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--consumers" -> consumerCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String prefix = BenchmarkServices.uniquePrefix("queue");
        System.out.println(BenchmarkServices.describeRedis() + "; " + Runtime.getRuntime().availableProcessors()
                + " CPUs; commands=" + commands + ", producers=" + producers + ", batch=" + batch + ", rounds="
                + rounds);
        try {
            for (int consumers : consumerCounts) {
                live(prefix, Math.max(1000, commands / 10), producers, consumers, batch); // warm-up
                List<double[]> live = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    live.add(live(prefix, commands, producers, consumers, batch));
                }
                live.sort((a, b) -> Double.compare(a[0], b[0]));
                double[] m = live.get(live.size() / 2);
                System.out.printf(Locale.ROOT, "live   consumers=%d: %,.0f commands/s end to end (runs: %s); "
                        + "send->ack latency p50 %.2f ms, p99 %.2f ms%n", consumers, m[0], rates(live), m[1], m[2]);

                drain(prefix, Math.max(1000, commands / 10), producers, consumers, batch); // warm-up
                List<double[]> drain = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    drain.add(drain(prefix, commands, producers, consumers, batch));
                }
                drain.sort((a, b) -> Double.compare(a[0], b[0]));
                double[] d = drain.get(drain.size() / 2);
                System.out.printf(Locale.ROOT, "drain  consumers=%d: %,.0f commands/s poll+ack (runs: %s); "
                        + "sends before it: %,.0f commands/s with %d producers%n", consumers, d[0], rates(drain), d[1],
                        producers);
            }
        } finally {
            try (RedisClient client = BenchmarkServices.redisClient()) {
                BenchmarkServices.deleteKeys(client, prefix);
            }
        }
    }

    private static String rates(List<double[]> runs) {
        StringBuilder sb = new StringBuilder();
        for (double[] r : runs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", r[0]));
        }
        return sb.toString();
    }

    private static RedisCommandQueue open(String prefix) {
        return RedisCommandQueue.builder().uri(BenchmarkServices.redisUri()).keyPrefix(prefix).build();
    }

    private static QueuedCommand command() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'x');
        ByteBuffer.wrap(payload).putLong(System.nanoTime());
        return new QueuedCommand(UUID.randomUUID().toString(), "Bench.Command", payload);
    }

    /** Producers and consumers at once: {commands/s, p50 ms, p99 ms}. */
    private static double[] live(String prefix, int commands, int producers, int consumers, int batch)
            throws Exception {
        String queue = "live-" + UUID.randomUUID().toString().substring(0, 8);
        long[] latencies = new long[commands];
        AtomicInteger acked = new AtomicInteger();
        AtomicLong finishedAt = new AtomicLong();   // the last acknowledgement, not a poll still waiting after it
        List<RedisCommandQueue> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            AtomicInteger toSend = new AtomicInteger(commands);
            for (int p = 0; p < producers; p++) {
                RedisCommandQueue client = open(prefix);
                clients.add(client);
                work.add(pool.submit(() -> {
                    start.await();
                    while (toSend.getAndDecrement() > 0) {
                        client.send(queue, command());
                    }
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                RedisCommandQueue client = open(prefix);
                clients.add(client);
                String name = "consumer-" + c;
                work.add(pool.submit(() -> {
                    start.await();
                    while (acked.get() < commands) {
                        for (Delivery d : client.poll(queue, name, batch, Duration.ofMillis(100))) {
                            client.acknowledge(d);
                            long sentAt = ByteBuffer.wrap(d.command().payload()).getLong();
                            int n = acked.getAndIncrement();
                            if (n < commands) {
                                latencies[n] = System.nanoTime() - sentAt;
                            }
                            if (n == commands - 1) {
                                finishedAt.set(System.nanoTime());
                            }
                        }
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            start.countDown();
            for (Future<?> f : work) {
                f.get(10, TimeUnit.MINUTES);
            }
            double seconds = (finishedAt.get() - started) / 1e9;
            Arrays.sort(latencies);
            return new double[] {commands / seconds, latencies[commands / 2] / 1e6, latencies[commands * 99 / 100] / 1e6};
        } finally {
            pool.shutdownNow();
            clients.forEach(RedisCommandQueue::close);
        }
    }

    /** A filled queue emptied by the consumers: {commands/s of poll+ack, commands/s of the sends before}. */
    private static double[] drain(String prefix, int commands, int producers, int consumers, int batch)
            throws Exception {
        String queue = "drain-" + UUID.randomUUID().toString().substring(0, 8);
        List<RedisCommandQueue> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(producers, consumers));
        try {
            AtomicInteger toSend = new AtomicInteger(commands);
            List<Future<?>> sends = new ArrayList<>();
            long sendStart = System.nanoTime();
            for (int p = 0; p < producers; p++) {
                RedisCommandQueue client = open(prefix);
                clients.add(client);
                sends.add(pool.submit(() -> {
                    while (toSend.getAndDecrement() > 0) {
                        client.send(queue, command());
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(10, TimeUnit.MINUTES);
            }
            double sendRate = commands / ((System.nanoTime() - sendStart) / 1e9);
            AtomicLong acked = new AtomicLong();
            AtomicLong finishedAt = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                RedisCommandQueue client = open(prefix);
                clients.add(client);
                String name = "consumer-" + c;
                work.add(pool.submit(() -> {
                    start.await();
                    while (acked.get() < commands) {
                        for (Delivery d : client.poll(queue, name, batch, Duration.ofMillis(100))) {
                            client.acknowledge(d);
                            if (acked.incrementAndGet() == commands) {
                                finishedAt.set(System.nanoTime());
                            }
                        }
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            start.countDown();
            for (Future<?> f : work) {
                f.get(10, TimeUnit.MINUTES);
            }
            return new double[] {commands / ((finishedAt.get() - started) / 1e9), sendRate};
        } finally {
            pool.shutdownNow();
            clients.forEach(RedisCommandQueue::close);
        }
    }
}
