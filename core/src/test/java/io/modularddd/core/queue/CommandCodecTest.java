package io.modularddd.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.SerializationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    record Deposit(String accountId, long amount, List<String> notes) {
    }

    record Withdraw(String accountId, long amount) {
    }

    private final CommandCodec codec = CommandCodec.builder().register("Deposit", Deposit.class).build();

    @Test
    void a_command_round_trips_under_its_registered_name() {
        Deposit deposit = new Deposit("acc-1", 100, List.of("Zoë 🚀"));
        QueuedCommand queued = codec.encode("cmd-1", deposit);
        assertThat(queued.typeName()).isEqualTo("Deposit");
        assertThat(queued.commandId()).isEqualTo("cmd-1");
        assertThat(new String(queued.payload(), StandardCharsets.UTF_8)).doesNotContain(Deposit.class.getName());
        assertThat(codec.decode(queued)).isEqualTo(deposit);
    }

    @Test
    void an_unregistered_command_type_is_refused_naming_the_class_and_the_registered_names() {
        assertThatThrownBy(() -> codec.encode("cmd-2", new Withdraw("acc-1", 5)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(Withdraw.class.getName())
                .hasMessageContaining("Deposit");
    }

    @Test
    void an_entry_of_an_unknown_type_or_that_no_longer_decodes_is_a_serialization_error_naming_it() {
        assertThatThrownBy(() -> codec.decode(new QueuedCommand("cmd-3", "Refund", "{}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Refund").hasMessageContaining("cmd-3");
        assertThatThrownBy(() -> codec.decode(new QueuedCommand("cmd-4", "Deposit",
                "{\"amount\":\"not a number\"}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Deposit").hasMessageContaining("cmd-4");
    }

    @Test
    void null_and_malformed_input_is_a_typed_error() {
        assertThatThrownBy(() -> codec.encode("cmd-5", null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> codec.encode(" ", new Deposit("a", 1, List.of())))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(InvalidInputException.class);
    }
}
