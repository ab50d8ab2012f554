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
        assertThat(balance).isEqualTo(10_000 - 2_500);
        assertThat(printed)
                .contains("stale save rejected: Concurrency conflict on stream 'acc-42': expected version 2 but the "
                        + "stream is at version 3")
                .contains("#1 acc-42 v1 account.opened.v1 AccountOpened[owner=Ada]")
                .contains("#3 acc-42 v3 account.money-withdrawn.v1 MoneyWithdrawn[amountCents=2500]")
                .doesNotContain("#4")
                .contains("final balance: 7500 cents");
    }
}
