package io.modularddd.examples.docs.cqrs;

import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.cqrs.CommandQueueWorker;
import io.modularddd.cqrs.ConflictRetry;
import io.modularddd.cqrs.DispatchStrategy;
import io.modularddd.cqrs.SimpleCommandBus;
import io.modularddd.cqrs.UnitOfWork;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import io.modularddd.eventstore.redis.RedisCommandQueue;
import io.modularddd.examples.docs.cqrs.Commands.Identified;
import io.modularddd.examples.docs.cqrs.Commands.QueuedDeposit;
import java.time.Duration;
import java.util.concurrent.Executor;

/** The samples of docs/cqrs.md's durable-queue sections. */
public final class QueueSamples {

    private QueueSamples() {
    }

    /**
     * A bus that queues its async commands in Redis, and a worker that runs them.
     *
     * @param unitOfWork the unit of work over the store
     * @param executor   where the worker runs
     * @return the worker
     */
    public static CommandQueueWorker queued(UnitOfWork unitOfWork, Executor executor) {
        // tag::queue[]
        CommandCodec codec = CommandCodec.builder()                          // stable names, never class names
                .register("account.deposit.v1", QueuedDeposit.class)
                .build();
        CommandQueue commandQueue = RedisCommandQueue.builder().uri("redis://127.0.0.1:6379").build();
                // or JdbcCommandQueue.builder().jdbcUrl(...).username(...).password(...).build() + createSchema()
        SimpleCommandBus bus = SimpleCommandBus.builder()
                .middleware(ConflictRetry.attempts(3))
                .middleware(unitOfWork)
                .strategy(DispatchStrategy.queue(commandQueue, codec, "high-priority",
                        command -> ((Identified) command).requestId()))       // a repeatable id: sent once
                .build();
        bus.dispatchAsync(new QueuedDeposit("req-7f3a", "acc-42", 100));     // stored when this returns

        CommandQueueWorker worker = CommandQueueWorker.builder(commandQueue, codec, bus)
                .queueName("high-priority").consumer("node-1-worker-1").build();
        executor.execute(worker);                                             // until worker.stop()
        // end::queue[]
        return worker;
    }

    /**
     * The Redis Streams queue with its main settings.
     *
     * @return the queue
     */
    public static RedisCommandQueue redis() {
        // tag::redis[]
        RedisCommandQueue queue = RedisCommandQueue.builder()
                .uri("redis://127.0.0.1:6379")          // or .cluster("redis://10.0.0.1:7000", ...)
                .leaseTime(Duration.ofSeconds(30))      // longer than the slowest command
                .maxAttempts(5)
                .build();
        // end::redis[]
        return queue;
    }

    /**
     * The database queue with its main settings.
     *
     * @param secret the database password
     * @return the queue, its table created
     */
    public static JdbcCommandQueue jdbc(String secret) {
        // tag::jdbc[]
        JdbcCommandQueue queue = JdbcCommandQueue.builder()
                .jdbcUrl("jdbc:mariadb://db:3306/app").username("app").password(secret)  // or .dataSource(ds)
                .leaseTime(Duration.ofSeconds(30))
                .maxAttempts(5)
                .build();
        queue.createSchema();   // idempotent, safe from many instances at once; or run queue/<dialect>.sql yourself
        // end::jdbc[]
        return queue;
    }
}
