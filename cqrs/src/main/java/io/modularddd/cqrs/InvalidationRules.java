package io.modularddd.cqrs;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStore;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.cache.QueryCache;
import io.modularddd.core.internal.Checks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Which cached query results each event type makes stale: a declarative map from event classes to the
 * tags to invalidate, computed from the event and its aggregate's id.
 *
 * <pre>{@code
 * InvalidationRules rules = InvalidationRules.builder()
 *         .on(MoneyDeposited.class, (event, id) -> Set.of("account:" + id.value()))
 *         .on(MoneyWithdrawn.class, (event, id) -> Set.of("account:" + id.value()))
 *         .on(AccountOpened.class, "accounts")                      // every list of accounts
 *         .build();
 * EventStore store = rules.invalidating(jdbcStore, tieredCache);    // handlers and repositories use this one
 * }</pre>
 *
 * <h2>Read your writes</h2>
 * {@link #invalidating} wraps a store so that every append is followed — after it has committed, before it
 * returns — by one {@link QueryCache#invalidateTags} of the tags its events map to. Since
 * {@code invalidateTags} also refuses results whose load began before it, a query asked after a command has
 * returned never sees a result cached before the command's events were stored: neither one already in the
 * cache (dropped) nor one a concurrent query was loading from the old state (refused). Invalidating
 * <em>after</em> the commit matters: a query running between an earlier invalidation and the commit would
 * cache the old state again.
 *
 * <p>The tags are computed before the append, so a rule that throws fails the append before anything is
 * stored. Events are matched by exact class; an event with no rule invalidates nothing. A failed append
 * invalidates nothing, except one whose outcome is unknown ({@code AppendOutcomeUnknownException}). If
 * {@code invalidateTags} itself fails after a commit, the append throws a
 * {@link QueryCacheInvalidationException} saying that the events are stored. Only appends made through the
 * wrapped store are seen: other processes' appends invalidate through their own wrapped stores (and the
 * cache carries invalidations to every node), and deletes, truncations and erasures invalidate nothing —
 * invalidate those tags yourself.
 *
 * <p>Immutable and thread-safe.
 */
public final class InvalidationRules {

    private final Map<Class<?>, List<BiFunction<Object, AggregateId, Set<String>>>> rules;

    private InvalidationRules(Map<Class<?>, List<BiFunction<Object, AggregateId, Set<String>>>> rules) {
        this.rules = rules;
    }

    /**
     * Starts a set of rules.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Wraps a store so that its appends invalidate the tags their events map to, after they commit.
     *
     * @param store the store to wrap (closing the wrapper closes it)
     * @param cache the cache to invalidate
     * @return the wrapping store
     * @throws InvalidInputException when an argument is null
     */
    public EventStore invalidating(EventStore store, QueryCache cache) {
        return new InvalidatingEventStore(Checks.notNull("store", store), Checks.notNull("cache", cache), this);
    }

    /**
     * Returns the tags the events of some append requests invalidate.
     *
     * @param requests the requests
     * @return the tags, possibly empty
     * @throws InvalidInputException when a rule returns null or an invalid tag
     */
    public Set<String> tagsOf(List<AppendRequest> requests) {
        Set<String> tags = null;
        for (AppendRequest request : requests) {
            for (NewEvent event : request.events()) {
                List<BiFunction<Object, AggregateId, Set<String>>> own = rules.get(event.payload().getClass());
                if (own == null) {
                    continue;
                }
                for (BiFunction<Object, AggregateId, Set<String>> rule : own) {
                    Set<String> more = rule.apply(event.payload(), request.aggregateId());
                    if (more == null) {
                        throw new InvalidInputException("tags", "the invalidation rule of "
                                + event.payload().getClass().getName() + " returned null; return Set.of() to "
                                + "invalidate nothing");
                    }
                    if (tags == null) {
                        tags = new HashSet<>();
                    }
                    tags.addAll(CacheEntry.checkTags(more));
                }
            }
        }
        return tags == null ? Set.of() : tags;
    }

    @Override
    public String toString() {
        return "InvalidationRules" + SimpleCommandBus.registeredNames(rules);
    }

    /** Collects rules per event type. */
    public static final class Builder {
        private final Map<Class<?>, List<BiFunction<Object, AggregateId, Set<String>>>> rules = new HashMap<>();

        private Builder() {
        }

        /**
         * Adds a rule: an event of a class invalidates the tags computed from it and its aggregate's id.
         *
         * @param eventType the exact event class
         * @param tags      the tags to invalidate (each a valid cache tag)
         * @param <E>       the event type
         * @return this builder
         * @throws InvalidInputException when an argument is null
         */
        public <E> Builder on(Class<E> eventType, BiFunction<? super E, AggregateId, Set<String>> tags) {
            Checks.notNull("eventType", eventType);
            Checks.notNull("tags", tags);
            rules.computeIfAbsent(eventType, t -> new ArrayList<>())
                    .add((event, id) -> tags.apply(eventType.cast(event), id));
            return this;
        }

        /**
         * Adds a rule: an event of a class invalidates fixed tags.
         *
         * @param eventType the exact event class
         * @param tags      the tags to invalidate
         * @return this builder
         * @throws InvalidInputException when the class is null or a tag is invalid
         */
        public Builder on(Class<?> eventType, String... tags) {
            Checks.notNull("eventType", eventType);
            Set<String> fixed = CacheEntry.checkTags(Set.of(Checks.notNull("tags", tags)));
            rules.computeIfAbsent(eventType, t -> new ArrayList<>()).add((event, id) -> fixed);
            return this;
        }

        /**
         * Builds the rules.
         *
         * @return the rules
         */
        public InvalidationRules build() {
            Map<Class<?>, List<BiFunction<Object, AggregateId, Set<String>>>> copy = new HashMap<>();
            rules.forEach((type, list) -> copy.put(type, List.copyOf(list)));
            return new InvalidationRules(Map.copyOf(copy));
        }
    }
}
