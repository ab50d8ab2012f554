package io.modularddd.core.projection;

import io.modularddd.core.StoredEvent;
import java.util.List;
import java.util.Set;

/** What {@link Projection.Builder#build()} makes. */
record BuiltProjection(String name, Set<Class<?>> eventTypes, Projection.BatchHandler handler,
                       Projection.ResetHook hook) implements Projection {

    @Override
    public void handle(List<StoredEvent> events, CheckpointTransaction transaction) throws Exception {
        handler.handle(events, transaction);
    }

    @Override
    public void reset() throws Exception {
        hook.reset();
    }

    @Override
    public String toString() {
        return "Projection[" + name + ", types=" + eventTypes + "]";
    }
}
