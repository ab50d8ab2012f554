package io.modularddd.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.AppendResult;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.core.aggregate.AggregateAccess;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.internal.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Middleware that makes a command all-or-nothing: every aggregate its handler saves is appended in one
 * atomic {@link EventStore#appendBatch} after the handler returns, or — when the handler throws, or the
 * append fails — nothing is.
 *
 * <pre>{@code
 * UnitOfWork unitOfWork = UnitOfWork.on(store);
 * AggregateRepository<Account> accounts =
 *         unitOfWork.repository("Account", EventSourcedRepository.create(store, "Account", Account::new));
 * bus.register(Transfer.class, command -> {
 *     Account from = accounts.load(command.from());
 *     Account to = accounts.load(command.to());
 *     from.withdraw(command.cents());
 *     to.deposit(command.cents());
 *     accounts.save(from);          // recorded, not yet appended
 *     accounts.save(to);
 *     return null;                  // now both are appended, in one atomic batch
 * });
 * }</pre>
 *
 * <h2>The repositories</h2>
 * Handlers load and save through repositories made by {@link #repository}. Inside a unit of work they
 * <ul>
 *   <li>load through the repository they wrap (snapshots and caching included), and return the same
 *       instance when one aggregate is loaded twice, so a handler never holds two diverging copies;</li>
 *   <li>record a {@code save} instead of appending (it returns {@code Optional.empty()}: the positions are
 *       only known at commit). Only saved aggregates are appended, in the order the unit first met them
 *       (by load or save); each with the version it was loaded at
 *       as the expected version, so a concurrent writer makes the whole batch fail with a
 *       {@link io.modularddd.core.ConcurrencyConflictException} — retried by {@link ConflictRetry} outside
 *       this middleware.</li>
 * </ul>
 * Outside a unit of work (a dispatch without this middleware, a test, a script) they pass every call to the
 * wrapped repository. Appends of a unit of work bypass the wrapped repository's {@code save}; after the commit
 * the unit tells the wrapped repository through {@link AggregateRepository#committed}, so a
 * {@code SnapshottingRepository} wrapped here caches the new state and takes the snapshots its strategy asks
 * for as after a save of its own (a failure there is logged and never fails the command: the events are
 * stored).
 *
 * <h2>Scope</h2>
 * A unit of work belongs to the thread that dispatches the command (it is kept in a {@code ThreadLocal} of
 * this instance, opened and closed around the handler; see ADR 0401). Each thread that dispatches keeps one
 * small, empty slot per {@code UnitOfWork} between commands, so a command that touches no aggregate
 * allocates nothing for its unit. A command dispatched from inside a
 * handler joins the unit of work already open, so a whole tree of commands commits together. Saves made
 * on other threads the handler starts are not part of it: they go straight to the wrapped repository. The
 * batch is appended after the unit is closed, so code the store runs after its commit (listeners,
 * projections) may dispatch commands of its own.
 *
 * <p>Put it innermost, around the handler. Thread-safe.
 */
public final class UnitOfWork implements CommandMiddleware {

    private static final Logger LOG = LoggerFactory.getLogger(UnitOfWork.class);

    private final EventStore store;
    /** Each dispatching thread's slot, reused: opening and closing a unit allocates nothing. */
    private final ThreadLocal<Work> slots = ThreadLocal.withInitial(Work::new);

    private UnitOfWork(EventStore store) {
        this.store = store;
    }

    /**
     * A unit of work appending to a store.
     *
     * @param store the store the wrapped repositories read from
     * @return the middleware
     * @throws io.modularddd.core.InvalidInputException when the store is null
     */
    public static UnitOfWork on(EventStore store) {
        return new UnitOfWork(Checks.notNull("store", store));
    }

    /**
     * Wraps a repository so that its saves join the current unit of work.
     *
     * @param aggregateType the aggregate type name stored with the events, as the wrapped repository
     *                      stores it (e.g. {@code "Account"})
     * @param repository    the repository that loads the aggregates, on this unit's store
     * @param <A>           the aggregate type
     * @return the wrapping repository
     * @throws io.modularddd.core.InvalidInputException when an argument is null or the type name invalid
     */
    public <A extends AggregateRoot<A>> AggregateRepository<A> repository(String aggregateType,
                                                                          AggregateRepository<A> repository) {
        Checks.identifier("aggregateType", aggregateType, AppendRequest.MAX_TYPE_LENGTH, "Account");
        return new UnitOfWorkRepository<>(this, aggregateType, Checks.notNull("repository", repository));
    }

    /**
     * Tells whether a unit of work is open on the calling thread.
     *
     * @return {@code true} inside a handler dispatched through this middleware
     */
    public boolean isActive() {
        return slots.get().open;
    }

    Work current() {
        Work work = slots.get();
        return work.open ? work : null;
    }

    @Override
    public Invoker wrap(Class<?> commandType, Invoker next) {
        return command -> {
            Work work = slots.get();
            if (work.open) {
                return next.invoke(command); // a nested dispatch joins the open unit
            }
            work.open = true;
            Object result;
            Map<AggregateId, Entry<?>> touched;
            try {
                result = next.invoke(command);
            } finally {
                touched = work.close();
            }
            Work.commit(touched, store);
            return result;
        };
    }

    @Override
    public String toString() {
        return "UnitOfWork";
    }

    /**
     * A thread's unit of work: whether one is open, and the aggregates its command loaded and saved, by
     * stream. Confined to its thread; reused from one command to the next.
     */
    static final class Work {
        private boolean open;
        /** Made on the first load or save: a command that touches no aggregate allocates nothing. */
        private Map<AggregateId, Entry<?>> entries;

        /** Closes the unit and hands over what it holds. */
        Map<AggregateId, Entry<?>> close() {
            Map<AggregateId, Entry<?>> touched = entries;
            entries = null;
            open = false;
            return touched;
        }

        Entry<?> entry(AggregateId id) {
            return entries == null ? null : entries.get(id);
        }

        private Map<AggregateId, Entry<?>> entries() {
            if (entries == null) {
                entries = new LinkedHashMap<>();
            }
            return entries;
        }

        <A extends AggregateRoot<A>> void track(UnitOfWorkRepository<A> owner, A aggregate) {
            entries().put(aggregate.id(), new Entry<>(owner, aggregate));
        }

        <A extends AggregateRoot<A>> void save(UnitOfWorkRepository<A> owner, A aggregate, EventMetadata metadata) {
            Entry<?> existing = entries().get(aggregate.id());
            if (existing == null) {
                Entry<A> entry = new Entry<>(owner, aggregate);
                entry.saved(metadata);
                entries.put(aggregate.id(), entry);
                return;
            }
            if (existing.aggregate != aggregate) {
                throw new IllegalStateException("two different instances of " + owner.aggregateType() + " '"
                        + aggregate.id().value() + "' were saved in one unit of work; load it once (loads return the "
                        + "same instance within a command) and save that one");
            }
            existing.saved(metadata);
        }

        static void commit(Map<AggregateId, Entry<?>> entries, EventStore store) {
            if (entries == null) {
                return;
            }
            List<AppendRequest> requests = new ArrayList<>();
            List<Entry<?>> owners = new ArrayList<>();
            for (Entry<?> entry : entries.values()) {
                AppendRequest request = entry.request();
                if (request != null) {
                    requests.add(request);
                    owners.add(entry);
                }
            }
            if (requests.isEmpty()) {
                return;
            }
            List<AppendResult> results = requests.size() == 1 ? List.of(store.append(requests.get(0)))
                    : store.appendBatch(requests);
            for (int i = 0; i < owners.size(); i++) {
                owners.get(i).persisted(results.get(i));
            }
        }
    }

    /** One aggregate of a unit of work: whether it was saved, with which metadata. */
    static final class Entry<A extends AggregateRoot<A>> {
        final UnitOfWorkRepository<A> owner;
        final A aggregate;
        private boolean saved;
        private EventMetadata metadata = EventMetadata.empty();
        private AppendRequest request;

        Entry(UnitOfWorkRepository<A> owner, A aggregate) {
            this.owner = owner;
            this.aggregate = aggregate;
        }

        void saved(EventMetadata more) {
            saved = true;
            metadata = metadata.isEmpty() ? more : more.isEmpty() ? metadata : metadata.merge(more);
        }

        AppendRequest request() {
            List<NewEvent> pending = aggregate.uncommittedEvents();
            if (!saved || pending.isEmpty()) {
                return null;
            }
            List<NewEvent> events = pending;
            if (!metadata.isEmpty()) {
                events = new ArrayList<>(pending.size());
                for (NewEvent e : pending) {
                    events.add(e.withMetadata(e.metadata().merge(metadata)));
                }
            }
            request = new AppendRequest(aggregate.id(), owner.aggregateType(),
                    ExpectedVersion.exactly(aggregate.persistedVersion()), events);
            return request;
        }

        void persisted(AppendResult result) {
            AggregateAccess.markPersisted(aggregate, result);
            try {
                owner.committed(aggregate, request.events(), result);
            } catch (RuntimeException e) {
                // the events are stored: the repository's cache or snapshot is only an optimisation
                LOG.warn("the {} repository failed after the commit of '{}' (the events are stored): {}",
                        owner.aggregateType(), aggregate.id().value(), e.toString());
            }
        }
    }
}
