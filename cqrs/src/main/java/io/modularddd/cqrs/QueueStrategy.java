package io.modularddd.cqrs;

import io.modularddd.core.command.CommandMiddleware;
import io.modularddd.core.queue.CommandCodec;
import io.modularddd.core.queue.CommandQueue;
import io.modularddd.core.queue.QueuedCommand;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The durable strategy: encodes the command and sends it to a {@link CommandQueue} (see {@link DispatchStrategy#queue}). */
final class QueueStrategy implements DispatchStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(QueueStrategy.class);
    private static final CompletableFuture<Object> STORED = CompletableFuture.completedFuture(null);

    private final CommandQueue queue;
    private final CommandCodec codec;
    private final String queueName;
    private final Function<Object, String> commandId;

    QueueStrategy(CommandQueue queue, CommandCodec codec, String queueName, Function<Object, String> commandId) {
        this.queue = queue;
        this.codec = codec;
        this.queueName = queueName;
        this.commandId = commandId;
    }

    @Override
    public CompletableFuture<Object> submit(Object command, CommandMiddleware.Invoker chain) {
        String id = commandId.apply(command);
        if (id == null) {
            throw new io.modularddd.core.InvalidInputException("commandId", "the command id function returned null "
                    + "for a " + command.getClass().getName() + "; return a stable id, e.g. one derived from the request");
        }
        QueuedCommand queued = codec.encode(id, command); // typed errors naming the type; nothing is sent
        if (!queue.send(queueName, queued)) {
            LOG.debug("command {} ({}) was already on queue {}; not sent again", id, queued.typeName(), queueName);
        }
        return STORED.copy();
    }

    @Override
    public String toString() {
        return "queue '" + queueName + "'";
    }
}
