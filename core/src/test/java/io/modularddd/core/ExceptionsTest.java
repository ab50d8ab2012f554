package io.modularddd.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The exception tree's promises: what each type says about what was stored, and which are worth a retry. */
class ExceptionsTest {

    private static final AggregateId STREAM = AggregateId.of("s");

    @Test
    void an_unknown_outcome_is_not_an_event_store_exception_which_means_nothing_was_stored() {
        ModularDddException unknown = new AppendOutcomeUnknownException(STREAM, List.of(UUID.randomUUID()),
                new RuntimeException("socket closed"));

        assertThat(unknown).isNotInstanceOf(EventStoreException.class);
        assertThat(unknown.isTransient()).isTrue();
        assertThat(unknown).hasMessageContaining("the connection failed during the transaction")
                .hasMessageContaining("Repeat the same request");
    }

    @Test
    void an_unknown_outcome_can_say_why() {
        assertThat(new AppendOutcomeUnknownException(STREAM, List.of(UUID.randomUUID()), "the group commit failed",
                null)).hasMessageContaining("may or may not have been committed: the group commit failed.");
    }

    @Test
    void storage_failures_are_permanent_unless_the_adapter_says_transient() {
        assertThat(new EventStoreException("missing table").isTransient()).isFalse();
        assertThat(new EventStoreException("bad row", new RuntimeException()).isTransient()).isFalse();
        assertThat(new EventStoreException("lock wait timeout", new RuntimeException(), true).isTransient()).isTrue();
    }

    @Test
    void conflicts_and_bad_input_are_permanent() {
        assertThat(new ConcurrencyConflictException(STREAM, ExpectedVersion.noStream(), 3).isTransient()).isFalse();
        assertThat(new InvalidInputException("x", "bad").isTransient()).isFalse();
        assertThat(new SerializationException("t", "bad", null).isTransient()).isFalse();
    }
}
