package io.modularddd.benchmarks.cli;

import io.modularddd.core.InMemoryEventStore;
import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.profiles.Profile;
import java.util.Map;

/** A session over core's {@link InMemoryEventStore}: runs the {@code event} type only, for tests of the command. */
final class InMemorySession implements Session {

    /** The event the workload appends. */
    record Deposited(long cents) {
    }

    private final Profile profile;
    private final InMemoryEventStore store = InMemoryEventStore.create(JacksonEventSerializer.json(
            EventTypeRegistry.builder().register("test.deposited.v1", Deposited.class).build()));

    private InMemorySession(Profile profile) {
        this.profile = profile;
    }

    static Session open(Profile profile, Options options) {
        return new InMemorySession(profile);
    }

    @Override
    public String wiring() {
        return "in-memory event store";
    }

    @Override
    public Map<String, String> settings() {
        return profile.settings();
    }

    @Override
    public Workload workload(Options.Type type) {
        if (type != Options.Type.EVENT) {
            throw new IllegalArgumentException("the in-memory test session runs --type event only, not " + type);
        }
        return new EventWorkload(store, "Account", Deposited::new, Deposited::new, "acc");
    }

    @Override
    public void close() {
        store.close();
    }
}
