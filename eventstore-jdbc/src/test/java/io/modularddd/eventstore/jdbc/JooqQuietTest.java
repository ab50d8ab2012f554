package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * jOOQ's banner and tips never reach the application's log, without any JVM flag; an application
 * that wants them back says so. Runs in a fresh JVM each time: jOOQ reads the switches once.
 */
class JooqQuietTest {

    @Test
    void a_store_on_a_fresh_jvm_logs_no_jooq_banner_and_no_tip() throws Exception {
        String log = runFreshJvm();
        assertThat(log).contains("appended: 1");
        assertThat(log).doesNotContain("Thank you for using jOOQ").doesNotContain("tip of the day");
    }

    @Test
    void an_application_that_asks_for_the_banner_gets_it() throws Exception {
        String log = runFreshJvm("-Dorg.jooq.no-logo=false");
        assertThat(log).contains("appended: 1").contains("Thank you for using jOOQ");
    }

    private static String runFreshJvm(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Child.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child output:%n%s", out).isZero();
        return out;
    }

    /** The child JVM: a store on H2, one append; prints every captured log line and the result. */
    static final class Child {
        public static void main(String[] args) {
            CapturingLoggerProvider.startCapture();
            long version;
            try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(TestDatabases.h2MemUrl()).username("sa")
                    .password("").serializer(ContractEvents.serializer()).build()) {
                store.createSchema();
                version = store.append(AppendRequest.of(AggregateId.of("q-" + UUID.randomUUID()), "Thing",
                        ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)))).lastVersion();
            }
            System.out.println(CapturingLoggerProvider.stopCapture());
            System.out.println("appended: " + version);
        }
    }
}
