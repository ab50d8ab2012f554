package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.Delivery;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes commands from a durable {@link CommandQueue} and runs them through a command bus: the consumer side
 * of {@link DispatchStrategy#queue}.
 *
 * <pre>{@code
 * CommandQueueWorker worker = CommandQueueWorker.builder(queue, codec, bus)
 *         .queueName("high-priority")
 *         .consumer("node-1-worker-1")         // unique among the queue's live consumers
 *         .build();
 * executor.execute(worker);                    // runs until worker.stop()
 * }</pre>
 *
 * <p>Each delivery is decoded with the codec's registry of command type names and run with
 * {@link CommandBus#dispatch} — inline, through the bus's middleware (its unit of work, its retry on
 * conflict). A command that completes is {@linkplain CommandQueue#acknowledge acknowledged}; one that throws,
 * does not decode (its type is no longer registered, its payload no longer fits the class), or decodes to
 * something that is not a {@link Command}, is {@linkplain CommandQueue#fail failed} with a line naming its
 * type, id and error: the queue delivers it again, and after its last attempt keeps it as a dead letter.
 * No entry is dropped by the worker. Delivery is at least once (a worker that dies between a command's
 * effect and its acknowledgement leaves it to another), so handlers must be idempotent by the command's
 * id — give commands an id of their own and use it as the queue's command id.
 *
 * <p>The worker starts no thread: {@link #run()} loops on the caller's thread (an executor's) until
 * {@link #stop()}; {@link #pollOnce()} takes one batch. One worker is used by one thread at a time.
 */
public final class CommandQueueWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandQueueWorker.class);
    private static final int MAX_ERROR_CHARS = 1000;

    private final CommandQueue queue;
    private final CommandCodec codec;
    private final CommandBus bus;
    private final String queueName;
    private final String consumer;
    private final int batchSize;
    private final Duration pollWait;
    private volatile boolean stopped;

    private CommandQueueWorker(Builder b) {
        this.queue = b.queue;
        this.codec = b.codec;
        this.bus = b.bus;
        this.queueName = b.queueName;
        this.consumer = b.consumer;
        this.batchSize = b.batchSize;
        this.pollWait = b.pollWait;
    }

    /**
     * Starts a worker.
     *
     * @param queue the queue to take commands from
     * @param codec decodes them (the same registry of command type names as the senders')
     * @param bus   runs them, with its middleware
     * @return a builder
     * @throws InvalidInputException when an argument is null
     */
    public static Builder builder(CommandQueue queue, CommandCodec codec, CommandBus bus) {
        return new Builder(Checks.notNull("queue", queue), Checks.notNull("codec", codec), Checks.notNull("bus", bus));
    }

    /**
     * Takes up to one batch of deliveries (waiting up to the poll wait for a first one) and runs each.
     *
     * @return how many commands completed and were acknowledged
     */
    public int pollOnce() {
        List<Delivery> deliveries = queue.poll(queueName, consumer, batchSize, pollWait);
        int completed = 0;
        for (Delivery delivery : deliveries) {
            if (handle(delivery)) {
                completed++;
            }
        }
        return completed;
    }

    /** Polls and runs commands until {@link #stop()} is called or the thread is interrupted. */
    @Override
    public void run() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                LOG.warn("polling queue {} as {} failed; trying again in {}: {}", queueName, consumer, pollWait,
                        e.toString());
                pause();
            }
        }
    }

    /** Makes {@link #run()} return after the batch in hand. */
    public void stop() {
        stopped = true;
    }

    private boolean handle(Delivery delivery) {
        String typeName = delivery.command().typeName();
        String id = delivery.command().commandId();
        Object command;
        try {
            command = codec.decode(delivery.command());
        } catch (RuntimeException e) {
            return failed(delivery, "undecodable: " + e.getMessage(), null); // the message says it all
        }
        if (!(command instanceof Command<?> runnable)) {
            return failed(delivery, "queued command " + id + " of type '" + typeName + "' decodes to a "
                    + command.getClass().getName() + ", which does not implement Command", null);
        }
        try {
            bus.dispatch(runnable);
        } catch (RuntimeException | Error e) {
            return failed(delivery, "command " + id + " of type '" + typeName + "' (attempt " + delivery.attempt()
                    + ") failed: " + e, e);
        }
        try {
            queue.acknowledge(delivery);
        } catch (RuntimeException e) {
            LOG.warn("command {} of type '{}' completed but acknowledging it failed; it will be delivered again: {}",
                    id, typeName, e.toString());
        }
        return true;
    }

    private boolean failed(Delivery delivery, String error, Throwable cause) {
        String line = error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) + "…" : error;
        LOG.warn("{} (queue {}, attempt {} of {})", line, queueName, delivery.attempt(), queue.maxAttempts(), cause);
        try {
            queue.fail(delivery, line);
        } catch (RuntimeException e) {
            LOG.warn("reporting the failure of command {} failed; its lease will run out and it will be delivered "
                    + "again: {}", delivery.command().commandId(), e.toString());
        }
        return false;
    }

    private void pause() {
        try {
            Thread.sleep(Math.max(1, pollWait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "CommandQueueWorker[" + queueName + " as " + consumer + "]";
    }

    /** Collects a worker's queue name, consumer name, batch size and poll wait. */
    public static final class Builder {
        private final CommandQueue queue;
        private final CommandCodec codec;
        private final CommandBus bus;
        private String queueName = "default";
        private String consumer;
        private int batchSize = 10;
        private Duration pollWait = Duration.ofSeconds(1);

        private Builder(CommandQueue queue, CommandCodec codec, CommandBus bus) {
            this.queue = queue;
            this.codec = codec;
            this.bus = bus;
        }

        /**
         * Sets the queue to take commands from; {@code "default"} unless set.
         *
         * @param name the queue's name
         * @return this builder
         * @throws InvalidInputException when it is null or malformed
         */
        public Builder queueName(String name) {
            DispatchStrategy.queue(queue, codec, name); // the same rule as senders
            this.queueName = name;
            return this;
        }

        /**
         * Sets the consumer's name, unique among the queue's live consumers (e.g. host and worker number).
         *
         * @param name the name, at most {@value CommandQueue#MAX_QUEUE_NAME_CHARS} characters
         * @return this builder
         * @throws InvalidInputException when it is null, blank or too long
         */
        public Builder consumer(String name) {
            this.consumer = Checks.identifier("consumer", name, CommandQueue.MAX_QUEUE_NAME_CHARS, "node-1-worker-1");
            return this;
        }

        /**
         * Sets the most deliveries taken per poll; 10 unless set.
         *
         * @param size 1 to 1,000
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder batchSize(int size) {
            if (size < 1 || size > 1000) {
                throw new InvalidInputException("batchSize", "batchSize must be 1 to 1000 but was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * Sets how long a poll waits for a first delivery; one second unless set.
         *
         * @param wait zero or more
         * @return this builder
         * @throws InvalidInputException when null or negative
         */
        public Builder pollWait(Duration wait) {
            Checks.notNull("pollWait", wait);
            if (wait.isNegative()) {
                throw new InvalidInputException("pollWait", "pollWait must not be negative but was " + wait);
            }
            this.pollWait = wait;
            return this;
        }

        /**
         * Builds the worker.
         *
         * @return the worker
         * @throws IllegalStateException when no consumer name was set
         */
        public CommandQueueWorker build() {
            if (consumer == null) {
                throw new IllegalStateException("a worker needs a consumer name unique among the queue's live "
                        + "consumers; set consumer(\"node-1-worker-1\")");
            }
            return new CommandQueueWorker(this);
        }
    }
}
