package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.DeadLetter;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link CommandQueue} in memory, for the cqrs tests: clients of one {@link Storage} see the same queues,
 * as nodes of one server would. It passes {@code CommandQueueContract} ({@link InMemoryCommandQueueContractTest}).
 */
final class InMemoryCommandQueue implements CommandQueue {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_QUEUE_NAME_CHARS + "}");
    private static final int MAX_PAYLOAD = 1024 * 1024;

    /** What every client of one "server" shares; all access under its monitor. */
    static final class Storage {
        private final Map<String, Queue> queues = new HashMap<>();
        private long nextId;

        Queue queue(String name) {
            return queues.computeIfAbsent(name, n -> new Queue());
        }
    }

    private static final class Queue {
        final Deque<Entry> ready = new ArrayDeque<>();
        final Map<String, Entry> held = new LinkedHashMap<>();
        final Set<String> ids = new HashSet<>();
        final List<DeadLetter> dead = new ArrayList<>();
    }

    private static final class Entry {
        final String id;
        final QueuedCommand command;
        int attempts;
        long leaseUntil;
        String lastError = "";

        Entry(String id, QueuedCommand command) {
            this.id = id;
            this.command = command;
        }
    }

    private final Storage storage;
    private final Duration leaseTime;
    private final int maxAttempts;
    private volatile boolean closed;

    InMemoryCommandQueue(Storage storage, Duration leaseTime, int maxAttempts) {
        this.storage = storage;
        this.leaseTime = leaseTime;
        this.maxAttempts = maxAttempts;
    }

    private static String name(String argument, String value) {
        Checks.notNull(argument, value);
        if (!NAME.matcher(value).matches()) {
            throw new InvalidInputException(argument, argument + " must be 1 to " + MAX_QUEUE_NAME_CHARS
                    + " letters, digits, '.', '_' or '-' but was " + Checks.show(value));
        }
        return value;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this queue client is closed");
        }
    }

    @Override
    public boolean send(String queue, QueuedCommand command) {
        name("queue", queue);
        Checks.notNull("command", command);
        if (command.payload().length > MAX_PAYLOAD) {
            throw new InvalidInputException("command", "the command's payload has " + command.payload().length
                    + " bytes, more than the " + MAX_PAYLOAD + " allowed");
        }
        open();
        synchronized (storage) {
            Queue q = storage.queue(queue);
            if (!q.ids.add(command.commandId())) {
                return false;
            }
            q.ready.addLast(new Entry("d-" + storage.nextId++, command));
            storage.notifyAll();
            return true;
        }
    }

    @Override
    public List<Delivery> poll(String queue, String consumer, int maxCommands, Duration maxWait) {
        name("queue", queue);
        Checks.identifier("consumer", consumer, MAX_QUEUE_NAME_CHARS, "node-1");
        if (maxCommands < 1 || maxCommands > 1000) {
            throw new InvalidInputException("maxCommands", "maxCommands must be 1 to 1000 but was " + maxCommands);
        }
        Checks.notNull("maxWait", maxWait);
        if (maxWait.isNegative()) {
            throw new InvalidInputException("maxWait", "maxWait must not be negative but was " + maxWait);
        }
        open();
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (storage) {
            while (true) {
                List<Delivery> got = take(storage.queue(queue), consumer, maxCommands);
                long left = deadline - System.nanoTime();
                if (!got.isEmpty() || left <= 0) {
                    return got;
                }
                try {
                    storage.wait(Math.max(1, Math.min(left / 1_000_000, 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
    }

    private List<Delivery> take(Queue q, String consumer, int max) {
        long now = System.nanoTime();
        for (Entry e : new ArrayList<>(q.held.values())) {
            if (e.leaseUntil - now <= 0) {
                q.held.remove(e.id);
                e.lastError = "abandoned: the lease of its consumer ran out";
                retryOrBury(q, e);
            }
        }
        List<Delivery> got = new ArrayList<>();
        while (got.size() < max && !q.ready.isEmpty()) {
            Entry e = q.ready.pollFirst();
            e.attempts++;
            e.leaseUntil = now + leaseTime.toNanos();
            q.held.put(e.id, e);
            got.add(new Delivery(queueName(q), e.id, e.command, e.attempts, consumer));
        }
        return got;
    }

    private String queueName(Queue q) {
        for (Map.Entry<String, Queue> e : storage.queues.entrySet()) {
            if (e.getValue() == q) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unknown queue");
    }

    private void retryOrBury(Queue q, Entry e) {
        if (e.attempts >= maxAttempts) {
            q.dead.add(new DeadLetter(queueName(q), e.command, e.attempts, e.lastError, Instant.now()));
        } else {
            q.ready.addLast(e);
        }
    }

    @Override
    public void acknowledge(Delivery delivery) {
        Checks.notNull("delivery", delivery);
        synchronized (storage) {
            Queue q = storage.queue(delivery.queue());
            if (q.held.remove(delivery.deliveryId()) == null) {
                q.ready.removeIf(e -> e.id.equals(delivery.deliveryId()));
            }
        }
    }

    @Override
    public void fail(Delivery delivery, String error) {
        Checks.notNull("delivery", delivery);
        Checks.notNull("error", error);
        synchronized (storage) {
            Queue q = storage.queue(delivery.queue());
            Entry e = q.held.remove(delivery.deliveryId());
            if (e != null) {
                e.lastError = error;
                retryOrBury(q, e);
                storage.notifyAll();
            }
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String queue, int max) {
        name("queue", queue);
        synchronized (storage) {
            List<DeadLetter> dead = storage.queue(queue).dead;
            return List.copyOf(dead.subList(0, Math.min(max, dead.size())));
        }
    }

    @Override
    public long depth(String queue) {
        name("queue", queue);
        open();
        synchronized (storage) {
            Queue q = storage.queue(queue);
            return q.ready.size() + q.held.size();
        }
    }

    @Override
    public Duration leaseTime() {
        return leaseTime;
    }

    @Override
    public int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public Duration idRetention() {
        return Duration.ofDays(1);
    }

    @Override
    public int maxPayloadBytes() {
        return MAX_PAYLOAD;
    }

    @Override
    public void close() {
        closed = true;
    }
}
