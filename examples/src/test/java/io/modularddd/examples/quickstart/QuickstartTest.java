package io.modularddd.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void the_quickstart_runs_and_reports_what_it_did() {
        // given
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        // when
        long balance = Quickstart.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        // then
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(balance).isEqualTo(10_000 - 2_500 + 500);
        assertThat(printed)
                .contains("reloaded from events: version 3, balance 7500 cents")
                .contains("stale save rejected: Concurrency conflict on stream 'acc-42': expected version 3 but the "
                        + "stream is at version 4")
                .contains("#4 acc-42 v4 account.money-deposited.v1 MoneyDeposited[amountCents=500]")
                .contains("final balance: 8000 cents");
    }
}
