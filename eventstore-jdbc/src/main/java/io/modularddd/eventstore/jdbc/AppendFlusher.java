package io.modularddd.eventstore.jdbc;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendOutcomeUnknownException;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.SerializationException;
import io.modularddd.core.serialization.EventSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append path of a {@link JdbcEventStore} around its transaction: what a caller does before it
 * queues, and how a group that {@link GroupCommitter} formed is committed ({@link GroupCommitter.Flusher}).
 *
 * <p>{@link #encode} runs on each caller's thread: it serializes the events and refuses a row that
 * cannot fit the server's packet before the request joins a group whose other members it would fail.
 * {@link #flush} runs on the leader's thread: it runs the group as one {@link AppendTransaction} and,
 * when that fails, decides how each member is answered — all at once, the oversized ones only, once
 * more with the event ids looked up, or one member at a time — so that a request that fails by itself
 * never fails the others of its group.
 */
final class AppendFlusher implements GroupCommitter.Flusher {

    private static final Logger LOG = LoggerFactory.getLogger(AppendFlusher.class);

    private final AppendTransaction transaction;
    private final StorePools pools;
    private final EventSerializer serializer;
    private final PacketLimit packetLimit;
    private final boolean partitioned;
    private final String target;

    AppendFlusher(AppendTransaction transaction, StorePools pools, EventSerializer serializer,
                  PacketLimit packetLimit, boolean partitioned) {
        this.transaction = transaction;
        this.pools = pools;
        this.serializer = serializer;
        this.packetLimit = packetLimit;
        this.partitioned = partitioned;
        this.target = pools.target;
    }

    /** Serializes one request on the caller's thread and refuses a row that cannot fit the server's packet. */
    PendingAppend.Encoded encode(AppendRequest r) {
        int n = r.size();
        String[] types = new String[n];
        String[] data = new String[n];
        String[] meta = new String[n];
        long[] rowBytes = new long[n];
        long fixedBytes = Utf8.length(r.aggregateId().value()) + Utf8.length(r.aggregateType())
                + PacketLimit.ROW_OVERHEAD_BYTES;
        long largest = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            NewEvent e = r.events().get(i);
            types[i] = serializer.typeName(e.payload());
            byte[] payload = serializer.serialize(e.payload());
            if (startsWithErasedMarker(payload)) {
                throw new InvalidInputException("events[" + i + "].payload", "event '" + types[i] + "' of the append "
                        + "to stream '" + r.aggregateId().value() + "' serializes to a JSON object whose first field is "
                        + "\"$erased\", which the store reserves for erased events: rename that field.");
            }
            data[i] = text(types[i], payload);
            byte[] metadata = e.metadata().isEmpty() ? null : serializer.serializeMetadata(e.metadata());
            meta[i] = metadata == null ? null : text("metadata", metadata);
            rowBytes[i] = fixedBytes + Utf8.length(types[i]) + payload.length + (metadata == null ? 0 : metadata.length);
            // refused here, on the caller's thread, before it joins a group whose other appends it would fail
            packetLimit.check(r.aggregateId(), "events[" + i + "]", rowBytes[i]);
            largest = Math.max(largest, rowBytes[i]);
            total += rowBytes[i];
        }
        return new PendingAppend.Encoded(r, types, data, meta, rowBytes, largest, total);
    }

    /** Rows from this size on make a lost connection worth checking for a refused packet. */
    private static final long LARGE_ROW_BYTES = 1024 * 1024;

    private static final byte[] ERASED_PREFIX = StreamLifecycle.ERASED_PREFIX.getBytes(StandardCharsets.UTF_8);

    /** Whether a payload would read back as the erased marker. */
    private static boolean startsWithErasedMarker(byte[] payload) {
        if (payload.length < ERASED_PREFIX.length) {
            return false;
        }
        for (int i = 0; i < ERASED_PREFIX.length; i++) {
            if (payload[i] != ERASED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    private static String text(String typeName, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException(typeName, "The serializer produced bytes for '" + typeName
                    + "' that are not UTF-8 text. JdbcEventStore stores payloads and metadata as JSON text: use a "
                    + "JSON serializer such as JacksonEventSerializer.json(registry).", e);
        }
    }

    /**
     * Commits one group and completes every member. Runs on the leader's thread. Never throws, except an
     * {@link Error}, which it rethrows after every member got a failure.
     *
     * <p>How a failed transaction is answered depends on why it failed:
     * <ul>
     *   <li>the commit's outcome is unknown: every member gets {@link AppendOutcomeUnknownException};</li>
     *   <li>an {@link Error}: every member fails (nothing was committed), then the error propagates;</li>
     *   <li>the server refused a packet as too large: the members with a row that does not fit fail with
     *       a typed error, the others are committed without them;</li>
     *   <li>a unique key fired (a reused event id): the group runs again with the ids looked up;</li>
     *   <li>a data error (the database refused a value): the members run one by one, so that only the
     *       culprit fails;</li>
     *   <li>anything else — a lost connection, a lock-wait or statement timeout, a deadlock, a missing
     *       table — fails the whole group at once: running members one by one would only repeat the wait
     *       once per member.</li>
     * </ul>
     */
    @Override
    public void flush(List<PendingAppend> group, Runnable handOff) {
        AppendTransaction.Failure failure;
        try {
            transaction.run(group, partitioned, handOff);
            return;
        } catch (AppendTransaction.Failure f) {
            failure = f;
        }
        if (failure.fatal != null || failure.outcomeUnknown) {
            failAll(group, failure);
            if (failure.fatal != null) {
                throw failure.fatal;
            }
            return;
        }
        if (SqlErrors.isPacketTooLarge(failure.getCause()) || mayBePacketRefusal(group, failure.getCause())) {
            retryWithoutOversized(group, handOff, failure);
            return;
        }
        if (!partitioned && SqlErrors.isIntegrityViolation(failure.getCause())) {
            // a unique key fired: usually a reused event id (the ids are looked up only when needed). Run the
            // group again with the lookup, which answers that request alone (repeat or EventIdConflict).
            resetAll(group);
            try {
                transaction.run(group, true, handOff);
                return;
            } catch (AppendTransaction.Failure again) {
                again.addSuppressed(failure);
                failure = again;
            }
            if (failure.fatal != null || failure.outcomeUnknown) {
                failAll(group, failure);
                if (failure.fatal != null) {
                    throw failure.fatal;
                }
                return;
            }
        }
        if (group.size() == 1 || !SqlErrors.isDataError(failure.getCause())) {
            failAll(group, failure);
            return;
        }
        // the database refused a value of one row (e.g. invalid JSON): isolate the culprit so a bad request
        // never fails the others in its group
        LOG.debug("group of {} appends failed on a data error ({}); committing them one by one", group.size(),
                failure.getCause().toString());
        isolate(group, handOff);
    }

    /** Runs each member in a transaction of its own, so that only members that fail by themselves fail. */
    private void isolate(List<PendingAppend> group, Runnable handOff) {
        resetAll(group);
        for (PendingAppend p : group) {
            try {
                transaction.run(List.of(p), true, handOff);
            } catch (AppendTransaction.Failure f) {
                if (f.fatal == null && !f.outcomeUnknown && (SqlErrors.isPacketTooLarge(f.getCause())
                        || mayBePacketRefusal(List.of(p), f.getCause()))) {
                    packetLimit.relearn(pools.reads);
                    failTooLarge(p);
                    continue;
                }
                failAll(List.of(p), f);
                if (f.fatal != null) {
                    // the members not run yet get their failure from the group committer
                    throw f.fatal;
                }
            }
        }
    }

    /**
     * A connection lost before {@code COMMIT} while the group holds a large row may be the server refusing a
     * packet over {@code max_allowed_packet}: MySQL/MariaDB close the connection after error 1153, and when
     * the client is still writing the row it sees only a socket reset, not the error. Then the server's
     * limit is read again: if a row no longer fits, it was a refusal (the limit was lowered since the store
     * learned it). Only groups with a row of at least 1 MiB pay that look-up.
     */
    private boolean mayBePacketRefusal(List<PendingAppend> group, Throwable cause) {
        if (!SqlErrors.isConnectionFailure(cause)) {
            return false;
        }
        long largest = 0;
        for (PendingAppend p : group) {
            largest = Math.max(largest, p.largestRowBytes());
        }
        if (largest < LARGE_ROW_BYTES) {
            return false;
        }
        packetLimit.relearn(pools.reads);
        return !packetLimit.fits(largest);
    }

    /**
     * The server refused a packet as larger than {@code max_allowed_packet} (and closed the connection):
     * learn its limit again, fail the members with a row that does not fit, and commit the others.
     */
    private void retryWithoutOversized(List<PendingAppend> group, Runnable handOff, AppendTransaction.Failure failure) {
        packetLimit.relearn(pools.reads);
        List<PendingAppend> rest = new ArrayList<>(group.size());
        for (PendingAppend p : group) {
            if (!p.failed() && !packetLimit.fits(p.largestRowBytes())) {
                failTooLarge(p);
            } else {
                rest.add(p);
            }
        }
        LOG.warn("the database refused a packet as too large ({}); {} of {} appends failed for it, the others are "
                + "retried", packetLimit, group.size() - rest.size(), group.size());
        if (rest.size() == group.size()) {
            // no single row is over the limit learned now: find the culprit by running the members alone
            isolate(rest, handOff);
        } else if (!rest.isEmpty()) {
            resetAll(rest);
            flush(rest, handOff);
        }
    }

    private void failTooLarge(PendingAppend p) {
        for (PendingAppend.Encoded e : p.requests) {
            for (int i = 0; i < e.rowBytes().length; i++) {
                if (!packetLimit.fits(e.rowBytes()[i]) || e.rowBytes()[i] == p.largestRowBytes()) {
                    long bytes = e.rowBytes()[i];
                    AggregateId stream = e.request().aggregateId();
                    String argument = "events[" + i + "]";
                    p.fail(() -> packetLimit.tooLarge(stream, argument, bytes, true));
                    return;
                }
            }
        }
    }

    private static void resetAll(List<PendingAppend> group) {
        for (PendingAppend p : group) {
            p.reset();
        }
    }

    private void failAll(List<PendingAppend> group, AppendTransaction.Failure f) {
        transaction.countFailed();
        for (PendingAppend p : group) {
            if (p.failed()) {
                continue; // failed its own checks: that answer stands, nothing of it was ever written
            }
            List<UUID> ids = p.eventIds();
            AggregateId stream = p.requests.get(0).request().aggregateId();
            Throwable cause = f.getCause();
            if (f.outcomeUnknown) {
                LOG.warn("append to stream '{}' has an unknown outcome: the connection failed during commit ({})",
                        stream.value(), cause.toString());
                p.fail(() -> new AppendOutcomeUnknownException(stream, ids, SqlErrors.driverCause(cause)));
            } else {
                p.fail(() -> SqlErrors.failure("appending to stream '" + stream.value() + "' (" + ids.size()
                        + " event(s); the transaction was rolled back, nothing was stored)", target, cause));
            }
        }
    }
}
