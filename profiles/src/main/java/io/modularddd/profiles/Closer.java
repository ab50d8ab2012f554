package io.modularddd.profiles;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a toolkit opened, closed in reverse order of opening. Closing is idempotent; a part that fails to
 * close is logged and the others are still closed.
 */
final class Closer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModularDdd.class);

    private record Part(String name, AutoCloseable closeable) {
    }

    private final Deque<Part> parts = new ArrayDeque<>();

    /**
     * Remembers a part to close.
     *
     * @param name      what it is, for the log
     * @param closeable the part
     * @param <T>       its type
     * @return the part
     */
    synchronized <T extends AutoCloseable> T add(String name, T closeable) {
        parts.push(new Part(name, closeable));
        return closeable;
    }

    @Override
    public void close() {
        while (true) {
            Part part;
            synchronized (this) {
                part = parts.poll();
            }
            if (part == null) {
                return;
            }
            try {
                part.closeable().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while closing the {}", part.name());
            } catch (Exception e) {
                LOG.warn("closing the {} failed: {}", part.name(), e.toString());
            }
        }
    }
}
