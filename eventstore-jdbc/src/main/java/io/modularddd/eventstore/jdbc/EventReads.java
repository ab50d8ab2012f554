package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.ErasedEvent;
import io.modularddd.core.EventPage;
import io.modularddd.core.EventMetadata;
import io.modularddd.core.EventStream;
import io.modularddd.core.MissingEventsException;
import io.modularddd.core.SerializationException;
import io.modularddd.core.StoredEvent;
import io.modularddd.core.StreamArchivedException;
import io.modularddd.core.UnknownEventTypeException;
import io.modularddd.core.UnreadableEventException;
import io.modularddd.core.internal.IteratorEventStream;
import io.modularddd.core.internal.PagingIterator;
import io.modularddd.core.internal.PositionPagingIterator;
import io.modularddd.core.serialization.EventSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Record3;
import org.jooq.Result;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The reads of a {@link JdbcEventStore}, on the read pool: {@code load}, {@code loadBatch},
 * {@code readAll}, {@code currentVersion} and {@code headPosition}, and the decoding of rows.
 *
 * <p>Every page is one query on a connection borrowed for that query only. Versions and positions are
 * dense, so each page is a bounded range, and a page that starts late, skips a value or stops short of
 * the stream's (log's) last version (position) — read in the same statement — shows missing events:
 * {@link MissingEventsException} for a hole, {@link StreamArchivedException} for a stream whose start
 * was archived; {@code readAll} from inside an archived prefix of the log continues at the first stored
 * position. The caller (the facade) has checked the arguments and that the store is open.
 */
final class EventReads {

    /** Streams per {@code loadBatch} query ({@code aggregate_id IN (...)}). */
    private static final int MAX_IDS_PER_QUERY = 500;
    /** Positions one type-filtered query examines at most. */
    static final long FILTERED_WINDOW = 100_000;

    private final DSLContext reads;
    private final EventTable table;
    private final AppendStatements appendSql;
    private final EventSerializer serializer;
    private final int pageSize;
    private final String target;

    EventReads(DataSource dataSource, JdbcDialect dialect, Settings settings, EventTable table,
               AppendStatements appendSql, EventSerializer serializer, int pageSize, String target) {
        this.reads = DSL.using(dataSource, dialect.sqlDialect(), settings);
        this.table = table;
        this.appendSql = appendSql;
        this.serializer = serializer;
        this.pageSize = pageSize;
        this.target = target;
    }

    /**
     * The first version {@code load} returns of a stream: after its last delete and at or after its
     * truncation point (a primary-key look-up in the streams table; 1 for a stream without a row there).
     */
    private Field<Long> firstVisible(String aggregateId) {
        return DSL.coalesce(DSL.field(DSL.select(DSL.greatest(table.deletedThrough.plus(1), table.truncatedBefore))
                .from(table.streams).where(table.streamId.eq(aggregateId))), DSL.inline(1L));
    }

    /** {@link JdbcEventStore#load}: keyset pages by version, each checked for holes and an archived start. */
    EventStream load(AggregateId aggregateId, long fromVersion, long toVersion) {
        return new IteratorEventStream(new PagingIterator(pageSize) {
            @Override
            protected List<StoredEvent> fetch(StoredEvent after, int limit) {
                long from = after == null ? fromVersion : after.version() + 1;
                return fetchFrom(aggregateId, from, toVersion, limit, after == null);
            }
        }, () -> { });
    }

    /**
     * One page of a stream from {@code from}: the versions the stream's lifecycle hides (a deleted past
     * life, a truncated start) are filtered in the same statement; when the page comes back empty because
     * {@code from} lies below the first visible version, the read continues there (once).
     */
    private List<StoredEvent> fetchFrom(AggregateId aggregateId, long from, long toVersion, int limit,
                                        boolean mayBeHidden) {
        if (from > toVersion) {
            return List.of();
        }
        // versions are dense, so the page is exactly from..from+limit-1: a bounded range lets every
        // optimizer seek to it (MariaDB otherwise walks the stream from its first version)
        long to = Math.min(toVersion, from > Long.MAX_VALUE - limit ? Long.MAX_VALUE : from + limit - 1);
        // the stream's last version and its first visible one, read in the same statement (index entries,
        // evaluated once): the first tells a short page that ends the stream from one that ends at a hole
        Field<Long> streamLast = DSL.field(appendSql.lastVersion(DSL.val(aggregateId.value(),
                table.aggregateId))).as("modularddd_stream_last");
        Field<Long> visibleFrom = firstVisible(aggregateId.value()).as("modularddd_first_visible");
        Result<Record> rows = query("loading stream '" + aggregateId.value() + "'", () -> reads
                .select(withColumn(withColumn(table.readColumns(), streamLast), visibleFrom))
                .from(table.events)
                .where(table.aggregateId.eq(aggregateId.value()))
                .and(table.version.between(from, to))
                .and(table.version.ge(firstVisible(aggregateId.value())))
                .orderBy(table.aggregateId, table.version)
                .limit(limit)
                .fetch());
        List<StoredEvent> page = query("loading stream '" + aggregateId.value() + "'", () -> decode(rows));
        if (!rows.isEmpty()) {
            checkStreamPage(aggregateId, Math.max(from, rows.get(0).get(visibleFrom)), toVersion, page,
                    page.size() == limit, rows.get(0).get(streamLast), null);
            return page;
        }
        Record3<Long, Long, Long> probe = streamProbe(aggregateId, from);
        long visible = probe.value3();
        if (mayBeHidden && from < visible && visible <= toVersion) {
            // the page lay wholly in versions the stream's lifecycle hides: read on from the first visible one
            return fetchFrom(aggregateId, visible, toVersion, limit, false);
        }
        checkStreamPage(aggregateId, from, toVersion, page, false, null, probe);
        return page;
    }

    /**
     * Checks one stream's events read from {@code from} on for missing versions. {@code full}: the read
     * stopped at its page limit (the next page goes on). {@code streamLast}: the stream's last version seen
     * by the same statement, or {@code null} when the read was not bounded by a page (loadBatch). Only a
     * read that is empty, starts late or stops short of {@code streamLast} costs an extra query.
     */
    private void checkStreamPage(AggregateId id, long from, long toVersion, List<StoredEvent> events, boolean full,
                                 Long streamLast, Record3<Long, Long, Long> knownProbe) {
        for (int i = 1; i < events.size(); i++) {
            long previous = events.get(i - 1).version();
            if (events.get(i).version() != previous + 1) {
                throw new MissingEventsException(id, previous + 1, events.get(i).version() - 1);
            }
        }
        if (!events.isEmpty() && events.get(0).version() == from) {
            long last = events.get(events.size() - 1).version();
            if (full || streamLast == null || last >= Math.min(streamLast, toVersion)) {
                return;
            }
            // a short page although the stream goes on (in the same snapshot): a hole after it
            Long next = streamProbe(id, last + 1).value1();
            // (last + 1 is above the first visible version: the page holds visible events)
            throw new MissingEventsException(id, last + 1, Math.min(next == null ? streamLast : next - 1, toVersion));
        }
        Record3<Long, Long, Long> probe = knownProbe != null ? knownProbe : streamProbe(id, from);
        // versions the stream's lifecycle hides (a deleted life, a truncated start) are no hole
        long visibleFrom = Math.max(from, probe.value3());
        Long next = probe.value1();
        // nothing at or after it: the stream ends before it. next == visibleFrom: appended after the page was
        // read (a newer version becomes visible only after the older ones), so not a hole either
        if (next != null && next > visibleFrom) {
            if (next.equals(probe.value2())) {
                throw new StreamArchivedException(id, visibleFrom, next);
            }
            throw new MissingEventsException(id, visibleFrom, Math.min(next - 1, toVersion));
        }
    }

    /**
     * Three indexed look-ups in one statement: the stream's first visible version at or after {@code from},
     * its first stored version of all, and the first version its lifecycle lets {@code load} return.
     */
    private Record3<Long, Long, Long> streamProbe(AggregateId id, long from) {
        Field<Long> visible = firstVisible(id.value());
        return query("looking for the versions of stream '" + id.value() + "'", () -> reads
                .select(DSL.field(DSL.select(DSL.min(table.version)).from(table.events)
                                .where(table.aggregateId.eq(id.value()))
                                .and(table.version.ge(DSL.greatest(DSL.val(from), visible)))),
                        DSL.field(DSL.select(DSL.min(table.version)).from(table.events)
                                .where(table.aggregateId.eq(id.value()))),
                        visible)
                .fetchOne());
    }

    private static Field<?>[] withColumn(Field<?>[] columns, Field<?> extra) {
        Field<?>[] all = Arrays.copyOf(columns, columns.length + 1);
        all[columns.length] = extra;
        return all;
    }

    /** {@link JdbcEventStore#loadBatch}: one query per {@value #MAX_IDS_PER_QUERY} streams, then the same checks. */
    Map<AggregateId, EventStream> loadBatch(List<AggregateId> ids, long fromVersion, long toVersion) {
        Map<String, List<StoredEvent>> byStream = new HashMap<>();
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
            List<String> chunk = new ArrayList<>();
            for (AggregateId id : ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY))) {
                chunk.add(id.value());
            }
            // the lifecycle filter is correlated: the streams table's row of each event's own stream
            Field<String> eventsStream = DSL.field(DSL.name(table.names.events(), "aggregate_id"), String.class);
            Field<Long> visibleFrom = DSL.coalesce(DSL.field(DSL.select(DSL.greatest(table.deletedThrough.plus(1),
                            table.truncatedBefore)).from(table.streams)
                    .where(DSL.field(DSL.name(table.names.streams(), "aggregate_id"), String.class).eq(eventsStream))),
                    DSL.inline(1L));
            List<StoredEvent> events = query("loading " + ids.size() + " streams", () -> decode(reads
                    .select(table.readColumns())
                    .from(table.events)
                    .where(table.aggregateId.in(chunk))
                    .and(table.version.between(fromVersion, toVersion))
                    .and(table.version.ge(visibleFrom))
                    .orderBy(table.aggregateId, table.version)
                    .fetch()));
            for (StoredEvent e : events) {
                byStream.computeIfAbsent(e.aggregateId().value(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<AggregateId, EventStream> result = new LinkedHashMap<>();
        for (AggregateId id : ids) {
            List<StoredEvent> events = byStream.getOrDefault(id.value(), List.of());
            // the same checks as load: only a stream read empty or starting late costs a query
            // a read not bounded by a page holds every stored version in the range: only an empty result or one
            // that starts late needs a look
            checkStreamPage(id, fromVersion, toVersion, events, false, null, null);
            result.put(id, EventStream.of(events));
        }
        return result;
    }

    /** {@link JdbcEventStore#readAll}: keyset pages by position; an archived prefix is skipped, a hole reported. */
    EventStream readAll(long fromPosition, int limit) {
        return new IteratorEventStream(new PositionPagingIterator(fromPosition, limit, pageSize) {
            private boolean started;

            @Override
            protected List<StoredEvent> fetchFrom(long from, int want) {
                boolean firstPage = !started;
                started = true;
                return readAllPage(from, want, firstPage);
            }
        }, () -> { });
    }

    private List<StoredEvent> readAllPage(long from, int want, boolean firstPage) {
        // the log's last position, read in the same statement (the primary key's last entry, evaluated once):
        // it tells a short page at the end of the log from one that stops at a hole, in the same snapshot
        Field<Long> logLast = DSL.field(DSL.select(DSL.max(table.position)).from(table.events))
                .as("modularddd_log_last");
        Result<Record> rows = query("reading all events from position " + from, () -> reads
                .select(withColumn(table.readColumns(), logLast))
                .from(table.events)
                .where(table.position.between(from, from > Long.MAX_VALUE - want ? Long.MAX_VALUE
                        : from + want - 1))
                .orderBy(table.position)
                .limit(want)
                .fetch());
        List<StoredEvent> page = query("reading all events from position " + from, () -> decode(rows));
        for (int i = 1; i < page.size(); i++) {
            long previous = page.get(i - 1).position();
            if (page.get(i).position() != previous + 1) {
                throw new MissingEventsException(previous + 1, page.get(i).position() - 1, "");
            }
        }
        boolean startsAtFrom = !page.isEmpty() && page.get(0).position() == from;
        if (startsAtFrom && (page.size() == want
                || page.get(page.size() - 1).position() >= rows.get(0).get(logLast))) {
            return page;
        }
        // empty, starting late, or short although the log goes on: the end of the log, an archived prefix or
        // a hole. One indexed query tells: the first stored position after the page, and the first of all
        long last = startsAtFrom ? page.get(page.size() - 1).position() : from - 1;
        Record2<Long, Long> probe = query("looking for the positions after " + last, () -> reads
                .select(DSL.field(DSL.select(DSL.min(table.position)).from(table.events).where(table.position.gt(last))),
                        DSL.field(DSL.select(DSL.min(table.position)).from(table.events)))
                .fetchOne());
        Long next = probe == null ? null : probe.value1();
        // nothing after the page: the end of the log. last + 1: appended after the page was read (positions
        // become visible in order, so a position seen now that was not seen before is new, not a gap)
        if (next == null || next == last + 1) {
            return page;
        }
        if (next.equals(probe.value2())) {
            if (firstPage) {
                // from lies in the archived prefix: continue at the first stored position
                return readAllPage(next, want, false);
            }
            throw new MissingEventsException(last + 1, next - 1, " (they were removed while this read was in "
                    + "progress, e.g. archived with dropPartitionsBefore; the log now starts at position " + next + ")");
        }
        throw new MissingEventsException(last + 1, next - 1, "");
    }

    /**
     * {@link JdbcEventStore#readAll(long, int, java.util.Set)}: the wanted types of one window of positions, through
     * the {@code (event_type, sequence_number)} index. The head is read first: every position up to it is
     * committed (positions are dense and commit-ordered), so the window {@code from .. min(head, from + }
     * {@value #FILTERED_WINDOW}{@code  - 1)} is complete when the query runs, and a page short of {@code limit}
     * has examined all of it. The window bounds one statement's work however rare the types are (a plan that
     * walks the primary key instead reads at most the window); a position in an archived prefix simply
     * matches nothing.
     */
    EventPage readAll(long from, int limit, Set<String> types) {
        long head = headPosition();
        if (from > head) {
            return new EventPage(List.of(), from - 1);
        }
        long to = Math.min(head, from > Long.MAX_VALUE - FILTERED_WINDOW ? Long.MAX_VALUE : from + FILTERED_WINDOW - 1);
        Result<Record> rows = query("reading events of " + types.size() + " types from position " + from, () -> reads
                .select(table.readColumns())
                .from(table.events)
                .where(table.eventType.in(types))
                .and(table.position.between(from, to))
                .orderBy(table.position)
                .limit(limit)
                .fetch());
        List<StoredEvent> page = query("reading events of " + types.size() + " types from position " + from,
                () -> decode(rows));
        return new EventPage(page, page.size() == limit ? page.get(page.size() - 1).position() : to);
    }

    /** The stream's last version, 0 when it has none: the same look-up as the append path's state query. */
    long currentVersion(AggregateId aggregateId) {
        org.jooq.Record2<Long, Long> r = query("reading the version of stream '" + aggregateId.value() + "'",
                () -> reads.select(DSL.field(appendSql.lastVersion(DSL.val(aggregateId.value(), table.aggregateId))),
                        DSL.field(DSL.select(table.deletedThrough).from(table.streams)
                                .where(table.streamId.eq(aggregateId.value())))).fetchOne());
        long last = r == null || r.value1() == null ? 0 : r.value1();
        long deleted = r == null || r.value2() == null ? 0 : r.value2();
        return last <= deleted ? 0 : last; // a deleted stream reads as absent until it starts again
    }

    /** {@code SELECT MAX(sequence_number)}: one look at the end of the primary key. */
    long headPosition() {
        Long last = query("reading the head position", () -> reads.select(DSL.max(table.position))
                .from(table.events).fetchOne(0, Long.class));
        return last == null ? 0 : last;
    }

    private interface Query<T> {
        T run();
    }

    private <T> T query(String operation, Query<T> q) {
        try {
            return q.run();
        } catch (DataAccessException e) {
            throw SqlErrors.failure(operation, target, e);
        }
    }

    private List<StoredEvent> decode(Result<Record> rows) {
        List<StoredEvent> events = new ArrayList<>(rows.size());
        for (Record r : rows) {
            String type = r.get(table.eventType);
            String meta = r.get(table.metadata);
            AggregateId id = AggregateId.of(r.get(table.aggregateId));
            long position = r.get(table.position);
            long version = r.get(table.version);
            String data = r.get(table.eventData);
            if (data.startsWith(StreamLifecycle.ERASED_PREFIX)) {
                events.add(new StoredEvent(position, r.get(table.eventId), id, r.get(table.aggregateType),
                        ErasedEvent.TYPE, type, ErasedEvent.INSTANCE, EventMetadata.empty(), version,
                        r.get(table.occurredAtRead)));
                continue;
            }
            Object payload;
            EventMetadata metadata;
            try {
                payload = serializer.deserialize(type, data.getBytes(StandardCharsets.UTF_8));
                metadata = meta == null ? EventMetadata.empty()
                        : serializer.deserializeMetadata(meta.getBytes(StandardCharsets.UTF_8));
            } catch (SerializationException | UnknownEventTypeException e) {
                // name the event, so that a reader can report it and read on past it (issue 9)
                throw UnreadableEventException.of(id, version, position, type, e);
            }
            events.add(new StoredEvent(position, r.get(table.eventId), id, r.get(table.aggregateType),
                    serializer.readTypeName(type), type, payload, metadata, version, r.get(table.occurredAtRead)));
        }
        return events;
    }
}
