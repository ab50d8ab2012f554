package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStoreException;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No password reaches an exception message or a log line — checked with every log level of every
 * logger (HikariCP, jOOQ, the store) switched on and captured, and with a password in the URL and in
 * the builder, for connections that fail and connections that work.
 */
class CredentialsTest {

    private final String secret = "S3cr3t-" + UUID.randomUUID();

    @BeforeEach
    void capture() {
        CapturingLoggerProvider.startCapture();
    }

    @AfterEach
    void stopCapturing() {
        CapturingLoggerProvider.stopCapture();
    }

    /** Everything a person could read: the message, the toString and stack trace of the whole cause chain. */
    private static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        StringBuilder sb = new StringBuilder(out.toString());
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append('\n').append(c.getMessage());
        }
        return sb.toString();
    }

    private void assertNoSecretIn(Throwable thrown) {
        assertThat(thrown).isNotNull();
        assertThat(everything(thrown)).doesNotContain(secret);
        String logs = CapturingLoggerProvider.stopCapture();
        assertThat(logs).as("captured log output").doesNotContain(secret);
    }

    @Test
    void a_wrong_password_given_to_the_builder_is_in_no_message_and_no_log_line() {
        JdbcService mariadb = TestDatabases.MARIADB.service();
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder().jdbcUrl(mariadb.jdbcUrl())
                .username(mariadb.username()).password(secret).serializer(ContractEvents.serializer()).build());
        assertThat(thrown).isInstanceOf(EventStoreException.class).hasMessageContaining("connecting as user '"
                + mariadb.username() + "'").hasMessageContaining("check the user name and password");
        assertNoSecretIn(thrown);
    }

    @Test
    void a_wrong_password_in_the_url_is_in_no_message_and_no_log_line() {
        JdbcService mariadb = TestDatabases.MARIADB.service();
        String url = mariadb.jdbcUrl() + (mariadb.jdbcUrl().contains("?") ? "&" : "?") + "password=" + secret;
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder().jdbcUrl(url).username(mariadb.username())
                .serializer(ContractEvents.serializer()).build());
        assertThat(thrown).isInstanceOf(EventStoreException.class).hasMessageContaining("password=***");
        assertNoSecretIn(thrown);
    }

    @Test
    void a_wrong_postgresql_password_in_the_url_is_in_no_message_and_no_log_line() {
        JdbcService postgres = TestDatabases.POSTGRESQL.service();
        String url = postgres.jdbcUrl() + "?user=nobody_" + UUID.randomUUID().toString().substring(0, 6)
                + "&password=" + secret;
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder().jdbcUrl(url)
                .serializer(ContractEvents.serializer()).build());
        assertThat(thrown).isInstanceOf(EventStoreException.class);
        assertNoSecretIn(thrown);
    }

    @Test
    void a_working_store_with_a_password_in_the_url_never_prints_it() {
        // given: an H2 database protected by the secret, named in the URL
        String url = TestDatabases.h2MemUrl() + ";USER=sa;PASSWORD=" + secret;
        Throwable thrown;
        try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(url).serializer(ContractEvents.serializer())
                .build()) {
            // when: it reports a failure (no schema yet), then works normally
            thrown = catchThrowable(() -> store.currentVersion(AggregateId.of("x")));
            assertThat(thrown).isInstanceOf(EventStoreException.class).hasMessageContaining("PASSWORD=***")
                    .hasMessageContaining("createSchema()");
            store.createSchema();
            store.append(AppendRequest.of(AggregateId.of("x"), "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened("x", 1))));
            assertThat(store.toString()).contains("PASSWORD=***").doesNotContain(secret);
            assertThat(store.describe()).contains("PASSWORD=***").doesNotContain(secret);
        }
        // then
        assertNoSecretIn(thrown);
    }

    @Test
    void a_password_or_url_given_twice_is_refused_without_showing_the_first() {
        Throwable password = catchThrowable(() -> JdbcEventStore.builder().password(secret).password("other"));
        assertThat(password).isInstanceOf(IllegalStateException.class).hasMessageContaining("password was already set");
        Throwable url = catchThrowable(() -> JdbcEventStore.builder()
                .jdbcUrl("jdbc:mariadb://db/app?password=" + secret).jdbcUrl("jdbc:mariadb://db/other"));
        assertThat(url).isInstanceOf(IllegalStateException.class).hasMessageContaining("jdbcUrl was already set to")
                .hasMessageContaining("password=***");
        Throwable userInfo = catchThrowable(() -> JdbcEventStore.builder()
                .jdbcUrl("jdbc:mysql://app:" + secret + "@db/a").jdbcUrl("jdbc:mysql://db/b"));
        assertThat(userInfo).isInstanceOf(IllegalStateException.class).hasMessageContaining("app:***@db");
        assertThat(everything(password) + everything(url) + everything(userInfo)).doesNotContain(secret);
        assertNoSecretIn(password);
    }

    @Test
    void a_bad_url_with_a_password_is_refused_without_showing_it() {
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder().jdbcUrl("mariadb://db/app?password=" + secret));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbcUrl");
        assertNoSecretIn(thrown);
    }

    @Nested
    class Redacting {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "jdbc:mariadb://db:3306/app?user=app&password=hunter2&ssl=true|jdbc:mariadb://db:3306/app?user=app&password=***&ssl=true",
            "jdbc:mysql://app:hunter2@db/app|jdbc:mysql://app:***@db/app",
            "jdbc:postgresql://db/app?sslpassword=hunter2|jdbc:postgresql://db/app?sslpassword=***",
            "jdbc:h2:file:./data;USER=sa;PASSWORD=hunter2;MODE=MySQL|jdbc:h2:file:./data;USER=sa;PASSWORD=***;MODE=MySQL",
            "jdbc:mariadb://db/app?pwd=hunter2|jdbc:mariadb://db/app?pwd=***",
            "jdbc:postgresql://db/app?user=a&token=hunter2|jdbc:postgresql://db/app?user=a&token=***",
            "jdbc:mariadb://db:3306/app|jdbc:mariadb://db:3306/app"})
        void credentials_are_masked(String url, String expected) {
            assertThat(Redaction.url(url)).isEqualTo(expected).doesNotContain("hunter2");
        }
    }
}
