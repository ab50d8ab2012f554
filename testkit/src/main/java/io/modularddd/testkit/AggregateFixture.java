package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.NewEvent;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.command.Command;
import io.modularddd.core.command.CommandBus;
import io.modularddd.core.command.CommandHandler;
import io.modularddd.core.command.CommandHandlerException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Tests a command handler the way it runs: given the events already stored, when a command is
 * dispatched, then these events are stored (or this exception is thrown).
 *
 * <pre>{@code
 * AggregateFixture fixture = AggregateFixture.withBus(AccountEvents.registry(), "Account", store -> {
 *     UnitOfWork unitOfWork = UnitOfWork.on(store);
 *     SimpleCommandBus bus = SimpleCommandBus.builder().middleware(unitOfWork).build();
 *     bus.register(Deposit.class, new DepositHandler(unitOfWork.repository("Account",
 *             EventSourcedRepository.create(store, "Account", Account::new))));
 *     return bus;
 * }).aggregateId("acc-1");
 *
 * fixture.given(new AccountOpened("Ada"))
 *        .when(new Deposit("acc-1", 100))
 *        .expectEvents(new MoneyDeposited(100));
 * fixture.given(new AccountOpened("Ada"))
 *        .when(new Withdraw("acc-1", 100))
 *        .expectException(InsufficientFundsException.class);
 * }</pre>
 *
 * <p>Each scenario ({@link #given}) starts from an empty {@link InMemoryEventStore} that serializes with the
 * registry given, calls the wiring function on it — so the real handler, the real repositories and
 * middleware run, against a store that checks versions and event types like a real one — and appends the
 * given events. The command is then dispatched synchronously; the events it stored (in any stream, in
 * global order) are compared with the expected ones by {@code equals} on their payloads, after a round
 * trip through the serializer (make events records).
 *
 * <p>The fixture itself is immutable and can be shared by the tests of a class; a scenario belongs to one
 * test. The wiring takes the store and returns either a {@link CommandBus} ({@link #withBus}) or one
 * {@link CommandHandler} ({@link #withHandler}), so the testkit needs no bus implementation.
 */
public final class AggregateFixture {

    /** The aggregate id {@link #given(Object...)} appends to unless {@link #aggregateId} sets another. */
    public static final String DEFAULT_AGGREGATE_ID = "aggregate-1";

    private final EventTypeRegistry types;
    private final String aggregateType;
    private final AggregateId aggregateId;
    private final Function<EventStore, Dispatch> wiring;
    private final Function<Object, Object> check;

    /** Runs a command; may throw anything the handler or bus throws. */
    @FunctionalInterface
    private interface Dispatch {
        Object run(Object command) throws Exception;
    }

    private AggregateFixture(EventTypeRegistry types, String aggregateType, AggregateId aggregateId,
                             Function<EventStore, Dispatch> wiring, Function<Object, Object> check) {
        this.types = types;
        this.aggregateType = aggregateType;
        this.aggregateId = aggregateId;
        this.wiring = wiring;
        this.check = check;
    }

    /**
     * A fixture whose scenarios dispatch through a bus the test builds on the scenario's store.
     *
     * @param types         the registry of the aggregate's events
     * @param aggregateType the aggregate type name stored with given events, e.g. {@code "Account"}
     * @param wiring        builds the bus, with its handlers registered, on a fresh store
     * @return the fixture
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the type name invalid
     */
    public static AggregateFixture withBus(EventTypeRegistry types, String aggregateType,
                                           Function<EventStore, ? extends CommandBus> wiring) {
        Checks.notNull("wiring", wiring);
        return create(types, aggregateType, store -> {
            CommandBus bus = Objects.requireNonNull(wiring.apply(store), "the wiring returned no bus");
            return command -> bus.dispatch((Command<?>) command);
        }, command -> {
            if (!(command instanceof Command<?>)) {
                throw new AssertionError("a bus dispatches Command objects, but " + command.getClass().getName()
                        + " does not implement io.modularddd.core.command.Command");
            }
            return (Command<?>) command;
        });
    }

    /**
     * A fixture whose scenarios call one handler the test builds on the scenario's store.
     *
     * @param types         the registry of the aggregate's events
     * @param aggregateType the aggregate type name stored with given events, e.g. {@code "Account"}
     * @param commandType   the command class the handler takes
     * @param wiring        builds the handler on a fresh store
     * @param <C>           the command type
     * @return the fixture
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the type name invalid
     */
    public static <C> AggregateFixture withHandler(EventTypeRegistry types, String aggregateType,
                                                   Class<C> commandType,
                                                   Function<EventStore, ? extends CommandHandler<? super C, ?>> wiring) {
        Checks.notNull("commandType", commandType);
        Checks.notNull("wiring", wiring);
        return create(types, aggregateType, store -> {
            CommandHandler<? super C, ?> handler = Objects.requireNonNull(wiring.apply(store),
                    "the wiring returned no handler");
            return command -> handler.handle(commandType.cast(command));
        }, command -> {
            if (!commandType.isInstance(command)) {
                throw new AssertionError("the handler takes " + commandType.getName() + " but the scenario sent a "
                        + command.getClass().getName());
            }
            return command;
        });
    }

    private static AggregateFixture create(EventTypeRegistry types, String aggregateType,
                                           Function<EventStore, Dispatch> wiring, Function<Object, Object> check) {
        Checks.notNull("types", types);
        Checks.identifier("aggregateType", aggregateType, AppendRequest.MAX_TYPE_LENGTH, "Account");
        return new AggregateFixture(types, aggregateType, AggregateId.of(DEFAULT_AGGREGATE_ID), wiring, check);
    }

    /**
     * A copy whose {@link #given(Object...)} appends to another aggregate.
     *
     * @param id the aggregate id
     * @return the copy
     * @throws io.modularddd.core.InvalidInputException when the id is invalid
     */
    public AggregateFixture aggregateId(String id) {
        return new AggregateFixture(types, aggregateType, AggregateId.of(id), wiring, check);
    }

    /**
     * Returns the aggregate id {@link #given(Object...)} appends to.
     *
     * @return the id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Starts a scenario on a fresh store holding these events of the fixture's aggregate.
     *
     * @param events the aggregate's history, oldest first; none for a new aggregate
     * @return the scenario
     */
    public Given given(Object... events) {
        return new Given(this).and(aggregateId, events);
    }

    /**
     * Starts a scenario on a fresh store holding these events of an aggregate.
     *
     * @param id     the aggregate's id
     * @param events its history, oldest first
     * @return the scenario
     */
    public Given given(AggregateId id, Object... events) {
        return new Given(this).and(id, events);
    }

    /** A scenario's store, with its history written; dispatch the command with {@link #when}. */
    public static final class Given {
        private final AggregateFixture fixture;
        private final EventStore store;
        private final Dispatch dispatch;

        private Given(AggregateFixture fixture) {
            this.fixture = fixture;
            this.store = InMemoryEventStore.create(JacksonEventSerializer.json(fixture.types));
            this.dispatch = Objects.requireNonNull(fixture.wiring.apply(store), "the wiring returned nothing");
        }

        /**
         * Adds events of another aggregate (or more of the same) to the history.
         *
         * @param id     the aggregate's id
         * @param events its events, oldest first
         * @return this scenario
         */
        public Given and(AggregateId id, Object... events) {
            Checks.notNull("id", id);
            Checks.notNull("events", events);
            if (events.length > 0) {
                List<NewEvent> list = new ArrayList<>(events.length);
                for (Object event : events) {
                    list.add(NewEvent.of(Checks.notNull("events[]", event)));
                }
                store.append(new AppendRequest(id, fixture.aggregateType, ExpectedVersion.any(), list));
            }
            return this;
        }

        /**
         * Returns the scenario's store, to read or append to beyond what the fixture offers.
         *
         * @return the store
         */
        public EventStore store() {
            return store;
        }

        /**
         * Dispatches a command, synchronously, and records what it stored, returned or threw.
         *
         * @param command the command
         * @return the outcome, to check
         */
        public Then when(Object command) {
            Checks.notNull("command", command);
            Object checked = fixture.check.apply(command);
            long before = store.headPosition();
            Object result = null;
            Throwable thrown = null;
            try {
                result = dispatch.run(checked);
            } catch (Exception | Error e) {
                thrown = e;
            }
            List<Object> stored = new ArrayList<>();
            try (EventStream events = store.readAll(before + 1, Integer.MAX_VALUE)) {
                for (StoredEvent e : events) {
                    stored.add(e.payload());
                }
            }
            return new Then(command, result, thrown, stored);
        }
    }

    /** What a command did: check it with the {@code expect} methods. */
    public static final class Then {
        private final Object command;
        private final Object result;
        private final Throwable thrown;
        private final List<Object> stored;

        private Then(Object command, Object result, Throwable thrown, List<Object> stored) {
            this.command = command;
            this.result = result;
            this.thrown = thrown;
            this.stored = List.copyOf(stored);
        }

        /**
         * Checks that the command succeeded and stored exactly these events, in this order.
         *
         * @param events the expected payloads
         * @return this outcome
         * @throws AssertionError when it failed or stored other events
         */
        public Then expectEvents(Object... events) {
            succeeded();
            assertThat(stored).as("events stored by %s", command).containsExactly(events);
            return this;
        }

        /**
         * Checks that the command succeeded and stored nothing.
         *
         * @return this outcome
         * @throws AssertionError when it failed or stored events
         */
        public Then expectNoEvents() {
            succeeded();
            assertThat(stored).as("events stored by %s", command).isEmpty();
            return this;
        }

        /**
         * Checks that the command succeeded and returned a value.
         *
         * @param expected the expected result ({@code null} for none)
         * @return this outcome
         * @throws AssertionError when it failed or returned something else
         */
        public Then expectResult(Object expected) {
            succeeded();
            assertThat(result).as("result of %s", command).isEqualTo(expected);
            return this;
        }

        /**
         * Checks that the command failed with an exception of a type and stored nothing. A checked
         * exception the bus wrapped in a {@link CommandHandlerException} matches its own type too.
         *
         * @param type the expected exception type
         * @param <T>  the type
         * @return the exception, for more checks
         * @throws AssertionError when it succeeded, failed otherwise, or stored events
         */
        public <T extends Throwable> T expectException(Class<T> type) {
            Checks.notNull("type", type);
            if (thrown == null) {
                fail("expected " + command + " to fail with " + type.getName() + " but it succeeded, returning "
                        + result + " and storing " + stored);
            }
            Throwable match = type.isInstance(thrown) ? thrown
                    : thrown instanceof CommandHandlerException && type.isInstance(thrown.getCause())
                    ? thrown.getCause() : null;
            if (match == null) {
                throw new AssertionError("expected " + command + " to fail with " + type.getName() + " but it failed "
                        + "with " + thrown, thrown);
            }
            assertThat(stored).as("events stored by %s, which failed with %s", command, thrown).isEmpty();
            return type.cast(match);
        }

        private void succeeded() {
            if (thrown != null) {
                throw new AssertionError("expected " + command + " to succeed but it failed with " + thrown, thrown);
            }
        }
    }
}
