package io.modularddd.eventstore.redis;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import io.modularddd.core.queue.CommandQueue;
import java.util.regex.Pattern;

/**
 * The Redis key layout of {@link RedisCommandQueue}. Every key of queue {@code q} carries {@code {q}} as
 * its hash tag, so on Redis Cluster a queue's stream, its dead-letter stream and its command-id keys sit
 * in one slot and can be used together in one MULTI/EXEC (or under one WATCH):
 *
 * <ul>
 *   <li>{@code <prefix>:{q}} — the stream of waiting and in-flight commands, with the consumer group;</li>
 *   <li>{@code <prefix>:{q}:dead} — the dead-letter stream;</li>
 *   <li>{@code <prefix>:{q}:id:<encoded command id>} — a string remembering an accepted command id for
 *       the id retention (its TTL).</li>
 * </ul>
 * A queue name is letters, digits, {@code . _ -} only: it holds no brace (it cannot move or split the tag),
 * no colon and no glob character. The prefix follows {@link StreamKeys#checkPrefix} (no braces either), and
 * a command id is percent-encoded as the hot tier encodes aggregate ids, so {@code <prefix>:\{*} (the
 * prefix glob-escaped) matches exactly this prefix's queue keys.
 */
final class QueueKeys {

    static final String DEFAULT_PREFIX = "modularddd:queue";

    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final String prefix;

    QueueKeys(String prefix) {
        this.prefix = StreamKeys.checkPrefix(prefix);
    }

    /**
     * Validates a queue name.
     *
     * @param queue the name
     * @return the name
     * @throws InvalidInputException naming the rule and the value
     */
    static String checkQueue(String queue) {
        Checks.identifier("queue", queue, CommandQueue.MAX_QUEUE_NAME_CHARS, "high-priority");
        if (queue.length() > CommandQueue.MAX_QUEUE_NAME_CHARS || !QUEUE_NAME.matcher(queue).matches()) {
            throw new InvalidInputException("queue", "queue must be 1 to " + CommandQueue.MAX_QUEUE_NAME_CHARS
                    + " characters of letters, digits, '.', '_' and '-' but was " + Checks.show(queue)
                    + "; use e.g. \"high-priority\" or \"default\".");
        }
        return queue;
    }

    String prefix() {
        return prefix;
    }

    /** The stream of a queue. */
    String stream(String queue) {
        return prefix + ":{" + queue + "}";
    }

    /** The dead-letter stream of a queue. */
    String dead(String queue) {
        return stream(queue) + ":dead";
    }

    /** The key remembering a command id accepted by a queue. */
    String id(String queue, String commandId) {
        return stream(queue) + ":id:" + StreamKeys.encode(commandId);
    }

    /** The SCAN MATCH pattern of every key of this prefix's queues. */
    String scanPattern() {
        return StreamKeys.globEscape(prefix) + ":{*";
    }
}
