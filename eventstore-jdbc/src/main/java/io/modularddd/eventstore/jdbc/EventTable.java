package io.modularddd.eventstore.jdbc;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.Binding;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingGetSQLInputContext;
import org.jooq.BindingGetStatementContext;
import org.jooq.BindingRegisterContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetSQLOutputContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.conf.ParamType;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The jOOQ view of the store's two tables for one dialect and one set of names.
 *
 * <p>This is where the dialects' column types meet Java types, through explicit bindings rather
 * than jOOQ's defaults, so that nothing depends on the JVM's or the server's time zone:
 * <ul>
 *   <li>{@code occurred_at}: a UTC {@link LocalDateTime} bound with {@code setObject} and read with
 *       {@code getObject(i, LocalDateTime.class)} — never through {@link java.sql.Timestamp}, which
 *       shifts instants that fall into a daylight-saving gap of the JVM's zone and uses the Julian
 *       calendar before 1582. MariaDB Connector/J 3.5 decodes DATETIME through the JVM's zone even for
 *       {@code getObject(i, LocalDateTime.class)} (2024-03-10T02:30 comes back as 03:30 in New York),
 *       so on MySQL/MariaDB the column is read as text ({@code CAST(occurred_at AS CHAR)}) and parsed;
 *       writing {@code setObject(LocalDateTime)} is exact.</li>
 *   <li>{@code event_id}: the UUID's 16 bytes on MySQL/MariaDB ({@code BINARY(16)}), a native
 *       {@code uuid} elsewhere.</li>
 *   <li>{@code event_data}, {@code metadata}: text bound with {@code setString}; on PostgreSQL cast
 *       to {@code json} in the statement.</li>
 * </ul>
 */
final class EventTable {

    static final int HEAD_ID = 1;

    final TableNames names;
    final Table<Record> events;
    final Table<Record> head;
    final Field<Long> position = DSL.field(DSL.name("sequence_number"), SQLDataType.BIGINT.notNull());
    final Field<UUID> eventId;
    final Field<String> aggregateId = DSL.field(DSL.name("aggregate_id"), SQLDataType.VARCHAR(256).notNull());
    final Field<String> aggregateType = DSL.field(DSL.name("aggregate_type"), SQLDataType.VARCHAR(200).notNull());
    final Field<String> eventType = DSL.field(DSL.name("event_type"), SQLDataType.VARCHAR(100).notNull());
    final Field<String> eventData;
    final Field<String> metadata;
    final Field<Long> version = DSL.field(DSL.name("version"), SQLDataType.BIGINT.notNull());
    final Field<Instant> occurredAt;
    /** How {@code occurred_at} is read: the column itself, or on MySQL/MariaDB its text (see the class comment). */
    final Field<Instant> occurredAtRead;
    final Field<Integer> headId = DSL.field(DSL.name("id"), SQLDataType.INTEGER.notNull());
    /** Deleted, truncated and erased streams: one row per such stream. */
    final Table<Record> streams;
    final Field<String> streamId = DSL.field(DSL.name("aggregate_id"), SQLDataType.VARCHAR(256).notNull());
    final Field<Long> deletedThrough = DSL.field(DSL.name("deleted_through"), SQLDataType.BIGINT.notNull());
    final Field<Long> truncatedBefore = DSL.field(DSL.name("truncated_before"), SQLDataType.BIGINT.notNull());
    final Field<LocalDateTime> erasedAt = DSL.field(DSL.name("erased_at"), SQLDataType.LOCALDATETIME(6));
    private final boolean uuidAsBytes;

    EventTable(JdbcDialect dialect, TableNames names) {
        this.names = names;
        this.uuidAsBytes = dialect.mysqlFamily();
        this.events = DSL.table(DSL.name(names.events()));
        this.head = DSL.table(DSL.name(names.head()));
        this.streams = DSL.table(DSL.name(names.streams()));
        this.eventId = DSL.field(DSL.name("event_id"), dialect.mysqlFamily()
                ? SQLDataType.BINARY(16).asConvertedDataType(UUID_BYTES)
                : SQLDataType.UUID);
        DataType<String> json = dialect == JdbcDialect.POSTGRESQL
                ? SQLDataType.CLOB.asConvertedDataType(text("json"))
                : SQLDataType.CLOB.asConvertedDataType(text(null));
        this.eventData = DSL.field(DSL.name("event_data"), json);
        this.metadata = DSL.field(DSL.name("metadata"), json);
        this.occurredAt = DSL.field(DSL.name("occurred_at"),
                SQLDataType.LOCALDATETIME(6).asConvertedDataType(UTC_INSTANT));
        this.occurredAtRead = dialect.mysqlFamily()
                ? DSL.cast(DSL.field(DSL.name("occurred_at")), SQLDataType.VARCHAR(26))
                        .convertFrom(Instant.class, EventTable::parseUtc)
                : occurredAt;
    }

    /** The columns to select when reading events. */
    Field<?>[] readColumns() {
        return new Field<?>[] {position, eventId, aggregateId, aggregateType, eventType, eventData, metadata, version,
            occurredAtRead};
    }

    /**
     * Parses MySQL's text form of a DATETIME(6), {@code 2024-03-10 02:30:00.999999}, as UTC. That form is
     * read by hand ({@code DateTimeFormatter} took a fifth of a snapshotted load's time in the JVM, and runs
     * once per event of a replay); anything else goes to {@link LocalDateTime#parse}, which accepts or
     * refuses it as before.
     */
    static Instant parseUtc(String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        boolean fixedForm = (n == 19 || (n >= 21 && n <= 29 && text.charAt(19) == '.')) && text.charAt(4) == '-'
                && text.charAt(7) == '-' && text.charAt(10) == ' ' && text.charAt(13) == ':' && text.charAt(16) == ':';
        if (fixedForm) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int fraction = n == 19 ? 0 : digits(text, 20, n);
            if ((year | month | day | hour | minute | second | fraction) >= 0) {
                int nanos = fraction;
                for (int i = n == 19 ? 9 : 9 - (n - 20); i > 0; i--) {
                    nanos *= 10;
                }
                return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
            }
        }
        return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }

    /** The decimal number in {@code text[from, to)} (at most 9 digits); -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Binds an event id as the dialect stores it: the UUID's 16 bytes or a native {@code uuid}. */
    void bindEventId(PreparedStatement ps, int index, UUID id) throws SQLException {
        if (uuidAsBytes) {
            ps.setBytes(index, UUID_BYTES_CONVERTER.to(id));
        } else {
            ps.setObject(index, id);
        }
    }

    /** Binds {@code occurred_at}: a UTC {@link LocalDateTime}, never a {@link java.sql.Timestamp}. */
    static void bindOccurredAt(PreparedStatement ps, int index, Instant at) throws SQLException {
        ps.setObject(index, UTC_CONVERTER.to(at));
    }

    /** Binds JSON text (or SQL NULL). */
    static void bindJson(PreparedStatement ps, int index, String json) throws SQLException {
        if (json == null) {
            ps.setNull(index, Types.NULL);
        } else {
            ps.setString(index, json);
        }
    }

    /** All columns of the events table, in insert order. */
    Field<?>[] columns() {
        return new Field<?>[] {position, eventId, aggregateId, aggregateType, eventType, eventData, metadata, version,
            occurredAt};
    }

    // ------------------------------------------------------------------ bindings

    private static final Converter<byte[], UUID> UUID_BYTES_CONVERTER = Converter.ofNullable(byte[].class, UUID.class,
            bytes -> {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new UUID(b.getLong(), b.getLong());
            },
            uuid -> ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).array());

    private static final Converter<LocalDateTime, Instant> UTC_CONVERTER = Converter.ofNullable(LocalDateTime.class,
            Instant.class, t -> t.toInstant(ZoneOffset.UTC), i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC));

    private static final Binding<byte[], UUID> UUID_BYTES = new ColumnBinding<>(UUID_BYTES_CONVERTER, null) {
        private static final long serialVersionUID = 1L;

        @Override
        void bind(PreparedStatement ps, int index, UUID value) throws SQLException {
            ps.setBytes(index, UUID_BYTES_CONVERTER.to(value));
        }

        @Override
        UUID read(ResultSet rs, int index) throws SQLException {
            byte[] bytes = rs.getBytes(index);
            return bytes == null ? null : UUID_BYTES_CONVERTER.from(bytes);
        }
    };

    private static final Binding<LocalDateTime, Instant> UTC_INSTANT = new ColumnBinding<>(UTC_CONVERTER, null) {
        private static final long serialVersionUID = 1L;

        @Override
        void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
            ps.setObject(index, UTC_CONVERTER.to(value));
        }

        @Override
        Instant read(ResultSet rs, int index) throws SQLException {
            LocalDateTime t = rs.getObject(index, LocalDateTime.class);
            return t == null ? null : UTC_CONVERTER.from(t);
        }
    };

    private static Binding<String, String> text(String cast) {
        return new ColumnBinding<>(Converter.ofNullable(String.class, String.class, s -> s, s -> s), cast) {
            private static final long serialVersionUID = 1L;

            @Override
            void bind(PreparedStatement ps, int index, String value) throws SQLException {
                ps.setString(index, value);
            }

            @Override
            String read(ResultSet rs, int index) throws SQLException {
                return rs.getString(index);
            }
        };
    }

    /**
     * A binding that binds and reads through plain JDBC calls, optionally casting the bind variable
     * ({@code ?::json}). Stored procedures and SQLData are not used by the store.
     */
    private abstract static class ColumnBinding<T, U> implements Binding<T, U> {
        private static final long serialVersionUID = 1L;
        private final Converter<T, U> converter;
        private final String cast;

        ColumnBinding(Converter<T, U> converter, String cast) {
            this.converter = converter;
            this.cast = cast;
        }

        abstract void bind(PreparedStatement ps, int index, U value) throws SQLException;

        abstract U read(ResultSet rs, int index) throws SQLException;

        @Override
        public Converter<T, U> converter() {
            return converter;
        }

        @Override
        public void sql(BindingSQLContext<U> ctx) {
            if (ctx.render().paramType() == ParamType.INLINED) {
                // only when a statement is rendered as text (debugging); the store always binds
                ctx.render().visit(DSL.inline(String.valueOf(ctx.value())));
            } else {
                ctx.render().sql(ctx.variable());
            }
            if (cast != null) {
                ctx.render().sql("::").sql(cast);
            }
        }

        @Override
        public void register(BindingRegisterContext<U> ctx) throws SQLException {
            throw new SQLFeatureNotSupportedException("OUT parameters are not used by JdbcEventStore");
        }

        @Override
        public void set(BindingSetStatementContext<U> ctx) throws SQLException {
            U value = ctx.value();
            if (value == null) {
                ctx.statement().setNull(ctx.index(), Types.NULL);
            } else {
                bind(ctx.statement(), ctx.index(), value);
            }
        }

        @Override
        public void set(BindingSetSQLOutputContext<U> ctx) throws SQLException {
            throw new SQLFeatureNotSupportedException("SQLData is not used by JdbcEventStore");
        }

        @Override
        public void get(BindingGetResultSetContext<U> ctx) throws SQLException {
            ctx.value(read(ctx.resultSet(), ctx.index()));
        }

        @Override
        public void get(BindingGetStatementContext<U> ctx) throws SQLException {
            throw new SQLFeatureNotSupportedException("OUT parameters are not used by JdbcEventStore");
        }

        @Override
        public void get(BindingGetSQLInputContext<U> ctx) throws SQLException {
            throw new SQLFeatureNotSupportedException("SQLData is not used by JdbcEventStore");
        }
    }
}
