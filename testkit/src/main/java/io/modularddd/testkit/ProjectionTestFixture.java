package io.modularddd.testkit;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.UnreadableEventException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.internal.ProjectionTypes;
import io.modularddd.core.projection.InMemoryCheckpointStore;
import io.modularddd.core.projection.Projection;
import io.modularddd.core.projection.ProjectionDeadLetter;
import io.modularddd.core.projection.SegmentLease;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tests a {@link Projection} the way the projection engine runs it: given events stored, when the projection has
 * processed the log, then its read model holds what it should.
 *
 * <pre>{@code
 * Balances balances = new Balances();                       // the read model under test
 * ProjectionTestFixture.of(AccountEvents.registry(), balances.projection())
 *         .given("acc-1", new AccountOpened("Ada"), new MoneyDeposited(100))
 *         .given("acc-2", new AccountOpened("Bob"))
 *         .given("acc-1", new MoneyWithdrawn(30))
 *         .whenProjected()
 *         .then(() -> assertThat(balances.of("acc-1")).isEqualTo(70));
 * }</pre>
 *
 * <p>Events are appended to an {@link InMemoryEventStore} that serializes with the registry given, so the
 * projection receives what a real store hands it: payloads decoded afresh (make events records), upcast by the
 * registry's upcasters, erased events as {@code ErasedEvent} ({@link #store()} reaches the store for
 * {@code erase}, {@code delete}, {@code truncateBefore}). {@link #whenProjected()} then runs the projection over the
 * log from its checkpoint, as the engine does: only events of the types it declares, in position order, handed
 * over in calls of up to {@link #batchSize(int)} events, each call committed with the checkpoint through an
 * {@link InMemoryCheckpointStore} (whose transaction is {@code CheckpointTransaction.NONE}). It can be called again
 * after more {@code given} events, and goes on from where it stopped, like a live processor.
 *
 * <p>A handler that throws, or an event the projection should handle but that cannot be read, fails the test with
 * an {@link AssertionError} naming the event — unless {@link #deadLettering()} was set: then the event becomes a
 * dead letter ({@link #deadLetters()}) and the run goes on, as under the engine's dead-letter policy (without
 * retries). {@link #rebuild()} resets the checkpoint, runs the reset hook and projects again from position 1.
 *
 * <p>A fixture belongs to one test; it is not thread-safe.
 */
public final class ProjectionTestFixture {

    private static final String OWNER = "projection-test-fixture";

    private final Projection projection;
    private final InMemoryEventStore store;
    private final InMemoryCheckpointStore checkpoints = InMemoryCheckpointStore.create();
    private final ProjectionTypes types;
    private final List<StoredEvent> handled = new ArrayList<>();
    private int batchSize = 1;
    private boolean deadLettering;

    private ProjectionTestFixture(EventTypeRegistry registry, Projection projection) {
        this.projection = projection;
        this.store = InMemoryEventStore.create(JacksonEventSerializer.json(registry));
        this.types = ProjectionTypes.of(projection, registry);
    }

    /**
     * Creates a fixture with an empty store.
     *
     * @param registry   the event types (as the application's store registers them)
     * @param projection the projection under test
     * @return the fixture
     * @throws io.modularddd.core.InvalidInputException when an argument is null
     * @throws IllegalArgumentException                 when the projection handles a class the registry does not
     *                                                  register
     */
    public static ProjectionTestFixture of(EventTypeRegistry registry, Projection projection) {
        Checks.notNull("registry", registry);
        Checks.notNull("projection", projection);
        return new ProjectionTestFixture(registry, projection);
    }

    /**
     * Sets the most events per handler call, as the batched strategy's {@code n} (default 1, as realtime and
     * async).
     *
     * @param size 1 to 100,000
     * @return this fixture
     * @throws IllegalArgumentException when out of range
     */
    public ProjectionTestFixture batchSize(int size) {
        if (size < 1 || size > 100_000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 100000 but was " + size);
        }
        this.batchSize = size;
        return this;
    }

    /**
     * Turns failures into dead letters instead of failed tests, as the engine's default policy does.
     *
     * @return this fixture
     */
    public ProjectionTestFixture deadLettering() {
        this.deadLettering = true;
        return this;
    }

    /**
     * Appends events to a stream (whatever its version).
     *
     * @param aggregateId the stream
     * @param events      the event payloads, at least one, of registered classes
     * @return this fixture
     * @throws io.modularddd.core.InvalidInputException     when the id or an event is invalid
     * @throws io.modularddd.core.UnknownEventTypeException when an event's class is not registered
     */
    public ProjectionTestFixture given(String aggregateId, Object... events) {
        Checks.notNull("events", events);
        NewEvent[] news = new NewEvent[events.length];
        for (int i = 0; i < events.length; i++) {
            news[i] = NewEvent.of(Checks.notNull("events[" + i + "]", events[i]));
        }
        store.append(AppendRequest.of(AggregateId.of(aggregateId), "Aggregate", ExpectedVersion.any(), news));
        return this;
    }

    /**
     * Runs the projection over the log, from its checkpoint to the last event stored.
     *
     * @return this fixture
     * @throws AssertionError when the handler throws, or an event it should handle cannot be read (unless
     *                        {@link #deadLettering()})
     */
    public ProjectionTestFixture whenProjected() {
        SegmentLease lease = checkpoints.tryClaim(projection.name(), 0, 1, OWNER, Duration.ofDays(1)).orElseThrow();
        try {
            long head = store.headPosition();
            while (lease.position() < head) {
                lease = page(lease, head);
            }
        } finally {
            checkpoints.release(lease);
        }
        return this;
    }

    /**
     * Rebuilds: the checkpoint goes back to 0, the projection's reset hook runs, and the projection processes the
     * log again from position 1.
     *
     * @return this fixture
     * @throws AssertionError as {@link #whenProjected()}, or when the reset hook throws
     */
    public ProjectionTestFixture rebuild() {
        checkpoints.reset(projection.name());
        handled.clear();
        try {
            projection.reset();
        } catch (Exception e) {
            throw new AssertionError("the reset hook of projection '" + projection.name() + "' threw " + e, e);
        }
        return whenProjected();
    }

    /**
     * Runs assertions on the read model, for a fluent test.
     *
     * @param assertions the assertions
     * @return this fixture
     */
    public ProjectionTestFixture then(Runnable assertions) {
        Checks.notNull("assertions", assertions).run();
        return this;
    }

    /**
     * Returns the events handed to the projection since it was created (or last rebuilt), in order.
     *
     * @return the events
     */
    public List<StoredEvent> handledEvents() {
        return Collections.unmodifiableList(new ArrayList<>(handled));
    }

    /**
     * Returns the dead letters recorded under {@link #deadLettering()}, oldest first.
     *
     * @return the dead letters
     */
    public List<ProjectionDeadLetter> deadLetters() {
        return checkpoints.deadLetters(projection.name(), 10_000);
    }

    /**
     * Returns the projection's checkpoint: the position of the last event processed.
     *
     * @return the position, 0 before any
     */
    public long checkpoint() {
        return checkpoints.position(projection.name(), 0);
    }

    /**
     * Returns the store, for what {@code given} does not cover ({@code erase}, {@code delete}, appends with
     * metadata or expected versions). Events appended to it are projected like the others.
     *
     * @return the store
     */
    public InMemoryEventStore store() {
        return store;
    }

    /** Reads and applies one page (or the events up to an unreadable one, and that one). */
    private SegmentLease page(SegmentLease lease, long head) {
        long from = lease.position() + 1;
        int limit = (int) Math.min(1000, head - lease.position());
        List<StoredEvent> events;
        UnreadableEventException unreadable = null;
        try (EventStream stream = store.readAll(from, limit)) {
            events = stream.toList();
        } catch (UnreadableEventException e) {
            unreadable = e;
            events = e.position() == from ? List.of() : read(from, (int) (e.position() - from));
        }
        List<StoredEvent> chunk = new ArrayList<>();
        for (StoredEvent event : events) {
            if (types.accepts(event)) {
                chunk.add(event);
                if (chunk.size() == batchSize) {
                    lease = apply(lease, chunk, event.position());
                    chunk = new ArrayList<>();
                }
            }
        }
        long last = events.isEmpty() ? lease.position() : events.get(events.size() - 1).position();
        lease = chunk.isEmpty() ? checkpoints.commit(lease, Math.max(last, lease.position()), tx -> { })
                : apply(lease, chunk, last);
        if (unreadable != null) {
            if (types.acceptsStored(unreadable.typeName())) {
                fail(unreadable.position(), unreadable.aggregateId().value(), unreadable.typeName(), unreadable);
            }
            lease = checkpoints.commit(lease, unreadable.position(), tx -> { });
        }
        return lease;
    }

    private List<StoredEvent> read(long from, int limit) {
        try (EventStream stream = store.readAll(from, limit)) {
            return stream.toList();
        }
    }

    private SegmentLease apply(SegmentLease lease, List<StoredEvent> chunk, long to) {
        List<StoredEvent> events = List.copyOf(chunk);
        try {
            SegmentLease after = checkpoints.commit(lease, to, tx -> projection.handle(events, tx));
            handled.addAll(events);
            return after;
        } catch (RuntimeException e) {
            Throwable cause = e instanceof io.modularddd.core.projection.CheckpointWorkException && e.getCause() != null
                    ? e.getCause() : e;
            if (events.size() > 1 && deadLettering) {
                for (StoredEvent event : events) { // find the failing one, as the engine does
                    long upTo = event == events.get(events.size() - 1) ? to : event.position();
                    lease = apply(lease, List.of(event), upTo);
                }
                return lease;
            }
            StoredEvent first = events.get(0);
            fail(first.position(), first.aggregateId().value(), first.storedEventType(), cause);
            return checkpoints.commit(lease, to, tx -> { });
        }
    }

    private void fail(long position, String stream, String type, Throwable cause) {
        if (!deadLettering) {
            throw new AssertionError("projection '" + projection.name() + "' failed on event '" + type + "' at "
                    + "position " + position + " (stream '" + stream + "'): " + cause, cause);
        }
        checkpoints.addDeadLetter(new ProjectionDeadLetter(projection.name(), position, stream,
                type == null ? "?" : type, String.valueOf(cause), 1, Instant.now()));
    }
}
