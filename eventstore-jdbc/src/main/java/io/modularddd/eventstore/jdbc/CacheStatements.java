package io.modularddd.eventstore.jdbc;

import io.modularddd.core.cache.CacheEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL of {@link JdbcCacheTier}, rendered once per tier by jOOQ for its dialect and table names
 * (identifiers through {@code DSL.name()}), then run as plain prepared statements: the lookup is the hot path and
 * pays no rendering.
 *
 * <p>The four tables are in the shipped DDL ({@code schema/*.sql}): {@code <table>_query_cache} (entries),
 * {@code <table>_qc_tags} (one row per tag and entry, primary key {@code (tag, cache_key)}), {@code <table>_qc_clock}
 * (one row: the invalidation clock and {@code purged_through}) and {@code <table>_qc_marks} (invalidation markers).
 */
final class CacheStatements {

    /** The id of the clock table's one row. */
    static final int CLOCK_ID = 1;

    final String entries;
    final String tags;
    final String clockTable;
    final String marksTable;

    /** Parameter: storage key. A row when the entry is there (expired or not): canonical_key, data, expires_at,
     *  tags. */
    final String lookup;
    /** The clock row, unlocked: clock. A miss's ticket. */
    final String readClock;
    /** The clock row under a shared lock (H2, which has no shared row lock: an exclusive one): clock,
     *  purged_through. */
    final String clockShared;
    /** The clock row under an exclusive lock: clock, purged_through. */
    final String clockExclusive;
    /** Parameters: clock, purged_through. */
    final String setClock;
    /** Parameters: mark, clock, expires_at. */
    final String upsertMark;
    /** Parameters: cache_key, canonical_key, expires_at, data, tags. */
    final String upsertEntry;
    /** Parameter: cache_key. */
    final String deleteEntry;
    /** Parameter: cache_key. */
    final String deleteTagsOfKey;
    /** Parameters: tag, cache_key. */
    final String insertTag;
    /** Parameter: tag. Rows: cache_key — a range of the tags table's primary key. */
    final String keysOfTag;
    /** Parameters: now (epoch ms), limit. Rows: cache_key, oldest expiry first, locked (locked ones skipped). */
    final String expiredKeys;
    /** Parameter: limit. Rows: clock, expires_at, lowest clock first. */
    final String oldestMarks;
    /** Parameter: clock. */
    final String deleteMarksThrough;
    final String deleteAllEntries;
    final String deleteAllTags;
    final String deleteAllMarks;
    /** {@code marksAfter[n]}: parameters n marks, then a clock; a row when one of the marks is above the clock. */
    private final String[] marksAfter = new String[CacheEntry.MAX_TAGS + 2];
    private final DSLContext render;
    private final Table<Record> marks;
    private final Field<String> mark = DSL.field(DSL.name("mark"), SQLDataType.VARCHAR.notNull());
    private final Field<Long> markClock = DSL.field(DSL.name("clock"), SQLDataType.BIGINT.notNull());

    CacheStatements(JdbcDialect dialect, TableNames names) {
        this.entries = names.queryCache();
        this.tags = names.cacheTags();
        this.clockTable = names.cacheClock();
        this.marksTable = names.cacheMarks();
        this.render = DSL.using(dialect.sqlDialect(), JdbcEventStore.jooqSettings());
        Table<Record> e = DSL.table(DSL.name(entries));
        Table<Record> t = DSL.table(DSL.name(tags));
        Table<Record> k = DSL.table(DSL.name(clockTable));
        this.marks = DSL.table(DSL.name(marksTable));
        Field<String> cacheKey = DSL.field(DSL.name("cache_key"), SQLDataType.VARCHAR.notNull());
        Field<String> canonical = DSL.field(DSL.name("canonical_key"), SQLDataType.VARCHAR.notNull());
        Field<Long> expiresAt = DSL.field(DSL.name("expires_at"), SQLDataType.BIGINT.notNull());
        Field<byte[]> data = DSL.field(DSL.name("data"), SQLDataType.BLOB.notNull());
        Field<String> tagList = DSL.field(DSL.name("tags"), SQLDataType.VARCHAR.notNull());
        Field<String> tag = DSL.field(DSL.name("tag"), SQLDataType.VARCHAR.notNull());
        Field<Integer> id = DSL.field(DSL.name("id"), SQLDataType.INTEGER.notNull());
        Field<Long> clock = DSL.field(DSL.name("clock"), SQLDataType.BIGINT.notNull());
        Field<Long> purgedThrough = DSL.field(DSL.name("purged_through"), SQLDataType.BIGINT.notNull());
        Field<Long> markExpires = DSL.field(DSL.name("expires_at"), SQLDataType.BIGINT.notNull());

        // a hit is one primary-key read of the entries table, the statement a hand-written cache would run (expiry is
        // checked on the row read: a bound `expires_at > ?` cost ~2 us); only a miss reads the clock row as well (a
        // second statement: joining it into this one cost every hit ~8 us on MariaDB, a fifth of the whole lookup —
        // docs/benchmarks-l3-cache.md)
        this.lookup = render.render(DSL.select(canonical, data, expiresAt, tagList).from(e)
                .where(cacheKey.eq(DSL.val((String) null, cacheKey))));
        this.readClock = render.render(DSL.select(clock).from(k).where(id.eq(DSL.inline(CLOCK_ID))));
        var clockRow = DSL.select(clock, purgedThrough).from(k).where(id.eq(DSL.inline(CLOCK_ID)));
        this.clockShared = render.render(dialect == JdbcDialect.H2 ? clockRow.forUpdate() : clockRow.forShare());
        this.clockExclusive = render.render(clockRow.forUpdate());
        this.setClock = render.render(DSL.update(k).set(clock, DSL.val((Long) null, clock))
                .set(purgedThrough, DSL.val((Long) null, purgedThrough)).where(id.eq(DSL.inline(CLOCK_ID))));
        this.upsertMark = upsert(dialect, marks, new Field<?>[] {mark, markClock, markExpires}, 1);
        this.upsertEntry = upsert(dialect, e, new Field<?>[] {cacheKey, canonical, expiresAt, data, tagList}, 1);
        this.deleteEntry = render.render(DSL.deleteFrom(e).where(cacheKey.eq(DSL.val((String) null, cacheKey))));
        this.deleteTagsOfKey = render.render(DSL.deleteFrom(t).where(cacheKey.eq(DSL.val((String) null, cacheKey))));
        this.insertTag = render.render(DSL.insertInto(t, tag, cacheKey)
                .values(DSL.val((String) null, tag), DSL.val((String) null, cacheKey)));
        this.keysOfTag = render.render(DSL.select(cacheKey).from(t).where(tag.eq(DSL.val((String) null, tag))));
        this.expiredKeys = render.render(DSL.select(cacheKey).from(e)
                .where(expiresAt.le(DSL.val((Long) null, expiresAt))).orderBy(expiresAt).limit(DSL.val((Integer) null, SQLDataType.INTEGER)).forUpdate().skipLocked());
        this.oldestMarks = render.render(DSL.select(markClock, markExpires).from(marks).orderBy(markClock)
                .limit(DSL.val((Integer) null, SQLDataType.INTEGER)));
        this.deleteMarksThrough = render.render(DSL.deleteFrom(marks)
                .where(markClock.le(DSL.val((Long) null, markClock))));
        this.deleteAllEntries = render.render(DSL.deleteFrom(e));
        this.deleteAllTags = render.render(DSL.deleteFrom(t));
        this.deleteAllMarks = render.render(DSL.deleteFrom(marks));
    }

    /** An insert that replaces the row with the same first {@code keyColumns} columns: the dialect's upsert. */
    private String upsert(JdbcDialect dialect, Table<Record> table, Field<?>[] columns, int keyColumns) {
        Field<?>[] parameters = new Field<?>[columns.length];
        for (int i = 0; i < columns.length; i++) {
            parameters[i] = DSL.val(null, columns[i]);
        }
        List<Field<?>> key = List.of(columns).subList(0, keyColumns);
        if (dialect == JdbcDialect.H2) {
            // H2's own upsert by key (jOOQ's MERGE ... USING emulation leaves the target's columns unqualified, which
            // H2 refuses as ambiguous; see JdbcSnapshotStore)
            return render.render(DSL.query("merge into {0} ({1}) key ({2}) values ({3})", table,
                    DSL.list(columns), DSL.list(key), DSL.list(parameters)));
        }
        var insert = render.insertInto(table, columns).values(parameters);
        Map<Field<?>, Field<?>> update = new LinkedHashMap<>();
        for (int i = keyColumns; i < columns.length; i++) {
            update.put(columns[i], DSL.excluded(columns[i]));
        }
        return render.render(dialect.mysqlFamily() ? insert.onDuplicateKeyUpdate().set(update)
                : insert.onConflict(key).doUpdate().set(update));
    }

    /**
     * The statement that finds whether one of {@code count} marks was set after a clock reading: parameters the
     * marks, then the clock. A lookup of at most {@code count} primary-key values.
     */
    String marksAfter(int count) {
        String sql = marksAfter[count];
        if (sql == null) {
            List<Field<String>> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(DSL.val((String) null, mark));
            }
            sql = render.render(DSL.selectOne().from(marks).where(mark.in(values))
                    .and(markClock.gt(DSL.val((Long) null, markClock))).limit(DSL.inline(1)));
            marksAfter[count] = sql; // a benign race: every thread renders the same text
        }
        return sql;
    }
}
