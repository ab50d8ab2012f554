package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.InvalidInputException;
import io.modularddd.core.NewEvent;
import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthReport;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcHealthIndicator} on H2, MariaDB and PostgreSQL: up with the head position, down for a closed
 * store and for a data source whose server does not answer (a closed port), never showing a password.
 */
class JdbcHealthIndicatorTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_store_is_up_with_its_head_position_and_down_once_closed(TestDatabases db) {
        // given
        JdbcService service = db.service();
        String table = TestDatabases.uniqueTable();
        try {
            JdbcEventStore store = db.builder(service, table).build();
            store.createSchema();
            store.append(AppendRequest.of(AggregateId.of("health-1"), "Thing", ExpectedVersion.noStream(),
                    NewEvent.of(new Happened("a", 1)), NewEvent.of(new Happened("b", 2)),
                    NewEvent.of(new Happened("c", 3))));
            JdbcHealthIndicator indicator = JdbcHealthIndicator.of(store);

            // when
            Health up = indicator.check();

            // then
            assertThat(indicator.name()).isEqualTo("database");
            assertThat(up.status()).isEqualTo(Health.Status.UP);
            assertThat(up.detail()).containsEntry("headPosition", "3").containsEntry("table", table)
                    .containsEntry("dialect", store.dialect().name()).containsKey("queryMillis");
            store.close();
            Health down = indicator.check();
            assertThat(down.status()).isEqualTo(Health.Status.DOWN);
            assertThat(down.detail().get("error")).contains("closed");
        } finally {
            TestDatabases.drop(service, table);
        }
    }

    @Test
    void a_data_source_on_a_closed_port_is_down_quickly_without_its_password() throws IOException {
        // given: a port nobody listens on
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        UrlDataSource dead = new UrlDataSource("jdbc:mariadb://127.0.0.1:" + port
                + "/test?password=topsecret-77&connectTimeout=1000", "root", "topsecret-77");
        JdbcHealthIndicator indicator = JdbcHealthIndicator.of("replica", dead, Duration.ofSeconds(1));

        // when
        HealthReport report = HealthReport.check(List.of(indicator), Duration.ofSeconds(10));

        // then
        Health health = report.components().get("replica");
        assertThat(report.isUp()).isFalse();
        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.detail()).containsKey("error").doesNotContainKey("timedOut");
        assertThat(health.detail().toString()).doesNotContain("topsecret-77");
        assertThat(report.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void a_live_data_source_is_up_with_the_database_product() {
        JdbcService service = TestDatabases.MARIADB.service();
        JdbcHealthIndicator indicator = JdbcHealthIndicator.of("primary",
                new UrlDataSource(service.jdbcUrl(), service.username(), service.password()), Duration.ofSeconds(2));

        Health health = indicator.check();

        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.detail().get("database")).containsIgnoringCase("maria");
    }

    @Test
    void bad_arguments_are_typed_errors() {
        assertThatThrownBy(() -> JdbcHealthIndicator.of(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("store");
        assertThatThrownBy(() -> JdbcHealthIndicator.of("db", new UrlDataSource("jdbc:h2:mem:x", "sa", ""),
                Duration.ZERO)).isInstanceOf(InvalidInputException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> JdbcHealthIndicator.of(" ", new UrlDataSource("jdbc:h2:mem:x", "sa", ""),
                Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class).hasMessageContaining("name");
    }
}
