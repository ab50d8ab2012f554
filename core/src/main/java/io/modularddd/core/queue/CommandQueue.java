package io.modularddd.core.queue;

import io.modularddd.core.InvalidInputException;
import java.time.Duration;
import java.util.List;

/**
 * A durable queue of commands (SPI), for work that must survive a crash: the command bus's {@code queue}
 * dispatch strategy sends to it, and consumers on any node take commands from it.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li><b>Durable once sent.</b> When {@link #send} returns, the command survives the sender's crash
 *       (and, as far as the server's own durability goes, the server's restart).</li>
 *   <li><b>Idempotent by command id.</b> A command id already accepted by the queue — waiting, being
 *       worked on, done or dead — is not accepted again for {@link #idRetention()}; {@code send} returns
 *       {@code false}.</li>
 *   <li><b>At least once.</b> Every accepted command is delivered until it is acknowledged or moved to the
 *       dead letters. A delivery that is neither acknowledged nor failed within {@link #leaseTime()} (its
 *       consumer died or hangs) is delivered to another consumer, with the attempt count raised.</li>
 *   <li><b>One holder at a time.</b> Within its lease a delivery is held by one consumer only; two
 *       consumers polling at once never receive the same command.</li>
 *   <li><b>Poison is moved aside.</b> A command failed or abandoned {@link #maxAttempts()} times becomes a
 *       {@link DeadLetter} and is not delivered again.</li>
 *   <li><b>Named queues are separate.</b> Sending to {@code high-priority} never feeds a consumer of
 *       {@code default}.</li>
 *   <li><b>Order.</b> Commands of one queue are first delivered in the order they were sent; retries may
 *       overtake or fall behind.</li>
 * </ul>
 * "Exactly once in effect" is at-least-once delivery plus an idempotent handler: the command's id goes into
 * whatever the handler writes, so a redelivery after a crash between the effect and the acknowledgement
 * changes nothing — event ids derived from it when the handler appends with {@code ExpectedVersion.any()},
 * or a command id the aggregate remembers when it saves through a repository (a reloaded aggregate appends
 * at a later version, where a repeated event id is an {@code EventIdConflictException}; docs/cqrs.md,
 * "Idempotent handlers"). The {@code CommandQueueContract} suite in
 * {@code modular-ddd-testkit} checks this for every transport. Implementations are thread-safe.
 *
 * <h2>Failures</h2>
 * Bad arguments are {@link InvalidInputException}s, thrown before anything is sent or changed; a closed queue
 * throws {@link IllegalStateException}. When the queue's storage (Redis, the database) fails, every method
 * throws a {@link CommandQueueException} carrying the queue's name and, in {@link
 * CommandQueueException#isTransient()}, whether repeating the call may succeed (a lost connection, a timeout, a
 * deadlock). Nothing is lost by such a failure: a {@code send} that failed may or may not have happened — send
 * again with the same command id; a delivery that could not be acknowledged or failed is delivered again when
 * its lease runs out.
 */
public interface CommandQueue extends AutoCloseable {

    /** The longest queue name, in characters. */
    int MAX_QUEUE_NAME_CHARS = 64;

    /**
     * Sends a command.
     *
     * @param queue   the queue's name: letters, digits, {@code .}, {@code _}, {@code -}, at most
     *                {@value #MAX_QUEUE_NAME_CHARS} characters (e.g. {@code high-priority})
     * @param command the command
     * @return {@code true} when the queue accepted it, {@code false} when it already had the command id
     * @throws InvalidInputException when an argument is null, the queue name is malformed or the payload is
     *                               larger than {@link #maxPayloadBytes()}
     * @throws CommandQueueException when the storage fails; the command may or may not have been accepted
     */
    boolean send(String queue, QueuedCommand command);

    /**
     * Takes commands for a consumer: first deliveries, and deliveries whose lease has run out. Waits up to
     * {@code maxWait} when there is none.
     *
     * @param queue       the queue's name
     * @param consumer    the consumer's name, unique among the queue's live consumers (e.g. host and
     *                    thread): at most {@value #MAX_QUEUE_NAME_CHARS} characters
     * @param maxCommands the most deliveries to return, from 1 to 1,000
     * @param maxWait     how long to wait for a first delivery; zero returns at once
     * @return the deliveries, possibly none
     * @throws InvalidInputException when an argument is null or out of range
     * @throws CommandQueueException when the storage fails before any delivery was taken
     */
    List<Delivery> poll(String queue, String consumer, int maxCommands, Duration maxWait);

    /**
     * Marks a delivery done: it is not delivered again. Acknowledging a delivery twice, or after its
     * lease ran out and another consumer took it, does no harm (the first acknowledgement wins).
     *
     * @param delivery the delivery
     * @throws InvalidInputException when the delivery is null or not one of this transport's
     * @throws CommandQueueException when the storage fails; the delivery is then delivered again after its lease
     */
    void acknowledge(Delivery delivery);

    /**
     * Reports that handling a delivery failed: the command is delivered again (to any consumer) no later
     * than {@link #leaseTime()} from now, or becomes a dead letter once it has had {@link #maxAttempts()}
     * attempts.
     *
     * @param delivery the delivery
     * @param error    what went wrong, kept with a dead letter; no secrets (say what failed, not the data)
     * @throws InvalidInputException when an argument is null or the delivery is not one of this transport's
     * @throws CommandQueueException when the storage fails; the delivery is then delivered again after its lease
     */
    void fail(Delivery delivery, String error);

    /**
     * Lists a queue's dead letters, oldest first.
     *
     * @param queue the queue's name
     * @param max   the most to return
     * @return the dead letters
     * @throws InvalidInputException when the queue name is malformed or {@code max} out of range
     * @throws CommandQueueException when the storage fails
     */
    List<DeadLetter> deadLetters(String queue, int max);

    /**
     * Returns how many commands of a queue are pending: accepted and neither acknowledged nor dead — waiting
     * for a first delivery, held by a consumer, or waiting for a retry. Dead letters and done commands do not
     * count. A queue never sent to has depth 0. One cheap read (an index range or a stream length), meant for
     * health checks and gauges; under concurrent sends and acknowledgements it is a snapshot.
     *
     * @param queue the queue's name
     * @return the pending commands, at least 0
     * @throws InvalidInputException when the queue name is malformed
     * @throws CommandQueueException when the storage fails
     */
    long depth(String queue);

    /**
     * Returns how long a consumer holds a delivery before another may take it.
     *
     * @return the lease time
     */
    Duration leaseTime();

    /**
     * Returns how many attempts a command gets before it becomes a dead letter.
     *
     * @return at least 1
     */
    int maxAttempts();

    /**
     * Returns how long a command id is remembered for deduplication after it was sent.
     *
     * @return the retention
     */
    Duration idRetention();

    /**
     * Returns the largest encoded command the queue accepts.
     *
     * @return a size in bytes
     */
    int maxPayloadBytes();

    /** Releases the queue's connections. Idempotent; deliveries held are left to expire. */
    @Override
    void close();
}
