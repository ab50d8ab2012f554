package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modularddd.core.AggregateId;
import io.modularddd.core.AppendRequest;
import io.modularddd.core.EventStream;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.NewEvent;
import io.modularddd.testkit.ContractEvents;
import io.modularddd.testkit.ContractEvents.Happened;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Building stores: validation, cross-checks, dialect detection, and who closes what. */
class BuilderTest {

    @Test
    void every_setter_validates_at_once_naming_the_setting_and_the_value() {
        JdbcEventStore.Builder b = JdbcEventStore.builder();
        assertThatThrownBy(() -> b.maximumPoolSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumPoolSize").hasMessageContaining("0");
        assertThatThrownBy(() -> b.pageSize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pageSize").hasMessageContaining("-1");
        assertThatThrownBy(() -> b.maxGroupRequests(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxGroupRequests");
        assertThatThrownBy(() -> b.maxGroupEvents(2_000_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxGroupEvents").hasMessageContaining("2000000");
        assertThatThrownBy(() -> b.maxGroupWait(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxGroupWait");
        assertThatThrownBy(() -> b.maxGroupWait(Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT2S");
        assertThatThrownBy(() -> b.jdbcUrl("postgresql://db/app")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbcUrl").hasMessageContaining("postgresql://db/app");
        assertThatThrownBy(() -> b.serializer(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serializer");
        assertThatThrownBy(() -> b.dataSource(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataSource");
        assertThatThrownBy(() -> b.dialect(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dialect");
    }

    @Test
    void build_checks_that_the_settings_fit_together() {
        HikariDataSource ds = new HikariDataSource();
        assertThatThrownBy(() -> JdbcEventStore.builder().jdbcUrl("jdbc:h2:mem:x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("serializer");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataSource(...) or jdbcUrl(...)");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer()).dataSource(ds)
                .jdbcUrl("jdbc:h2:mem:x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer()).dataSource(ds)
                .maximumPoolSize(3).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maximumPoolSize");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer())
                .jdbcUrl(TestDatabases.h2MemUrl()).partitioned(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("partitioned(true)")
                .hasMessageContaining("H2");
        assertThat(ds.isClosed()).isFalse();
        ds.close();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_dialect_is_detected_from_the_connection(TestDatabases db) {
        JdbcService service = db.service();
        try (JdbcEventStore store = db.builder(service, TestDatabases.uniqueTable()).build()) {
            assertThat(store.dialect()).isEqualTo(switch (db) {
                case H2 -> JdbcDialect.H2;
                case MARIADB -> JdbcDialect.MARIADB;
                case POSTGRESQL -> JdbcDialect.POSTGRESQL;
            });
        }
    }

    @Test
    void close_closes_the_pool_the_store_created_but_never_a_given_data_source() throws Exception {
        // given
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.h2MemUrl() + ";DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        HikariDataSource ds = new HikariDataSource(config);
        JdbcEventStore onGiven = JdbcEventStore.builder().dataSource(ds).serializer(ContractEvents.serializer())
                .tableName("given_events").build();
        onGiven.createSchema();
        JdbcEventStore onOwn = JdbcEventStore.builder().jdbcUrl(TestDatabases.h2MemUrl())
                .serializer(ContractEvents.serializer()).build();
        HikariDataSource ownPool = onOwn.dataSource().unwrap(HikariDataSource.class);

        // when
        onGiven.close();
        onOwn.close();
        onOwn.close(); // idempotent

        // then
        assertThat(ds.isClosed()).isFalse();
        try (var c = ds.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(ownPool.isClosed()).isTrue();
        assertThatThrownBy(() -> onOwn.currentVersion(AggregateId.of("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        ds.close();
    }

    @Test
    void an_h2_file_database_keeps_its_events_across_stores() {
        // given: a file database under target/
        Path dir = Path.of("target", "h2-smoke", UUID.randomUUID().toString());
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("events");
        AggregateId id = AggregateId.of("file-" + UUID.randomUUID());
        try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                .serializer(ContractEvents.serializer()).build()) {
            store.createSchema();
            store.append(AppendRequest.of(id, "Thing", ExpectedVersion.noStream(), NewEvent.of(new Happened("a", 1)),
                    NewEvent.of(new Happened("b", 2))));
        }
        // when: it is opened again
        try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(url).username("sa").password("")
                .serializer(ContractEvents.serializer()).build()) {
            store.createSchema();
            // then
            assertThat(store.dialect()).isEqualTo(JdbcDialect.H2);
            assertThat(store.currentVersion(id)).isEqualTo(2);
            assertThat(store.append(AppendRequest.of(id, "Thing", ExpectedVersion.exactly(2),
                    NewEvent.of(new Happened("c", 3)))).firstPosition()).isEqualTo(3);
            try (EventStream s = store.load(id)) {
                assertThat(s.toList()).extracting(e -> ((Happened) e.payload()).text()).containsExactly("a", "b", "c");
            }
        }
    }
}
