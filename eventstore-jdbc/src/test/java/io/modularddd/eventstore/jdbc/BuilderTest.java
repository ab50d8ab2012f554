package io.modularddd.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Building stores: validation, cross-checks, dialect detection, and who closes what. */
class BuilderTest {

    @Test
    void every_setter_validates_at_once_naming_the_setting_and_the_value() {
        JdbcEventStoreBuilder b = JdbcEventStore.builder();
        assertThatThrownBy(() -> b.readPoolSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readPoolSize").hasMessageContaining("0");
        assertThatThrownBy(() -> b.readPoolSize(1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readPoolSize must be between 1 and 1000 but was 1001");
        assertThatThrownBy(() -> b.maxCommitsInFlight(17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCommitsInFlight").hasMessageContaining("17");
        assertThatThrownBy(() -> b.maxGroupWait(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxGroupWait").hasMessageContaining("null");
        assertThatThrownBy(() -> b.username(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("username");
        assertThatThrownBy(() -> b.password(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password").hasMessageContaining("\"\" for none");
        assertThatThrownBy(() -> b.meterRegistry(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meterRegistry");
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
                .readPoolSize(3).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("readPoolSize");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer())
                .jdbcUrl(TestDatabases.h2MemUrl()).partitioned(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("partitioned(true)")
                .hasMessageContaining("H2");
        assertThat(ds.isClosed()).isFalse();
        ds.close();
    }

    @Test
    void a_setting_given_twice_is_an_illegal_state_naming_the_setting_and_its_first_value() {
        // one rule for every builder of the library (ADR 0103): a second call is a mistake, not an override
        assertThatThrownBy(() -> JdbcEventStore.builder().pageSize(100).pageSize(200))
                .isInstanceOf(IllegalStateException.class).hasMessage("pageSize was already set to 100; set each "
                        + "setting once");
        assertThatThrownBy(() -> JdbcEventStore.builder().readPoolSize(4).readPoolSize(8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("readPoolSize was already set to 4");
        assertThatThrownBy(() -> JdbcEventStore.builder().tableName("a").tableName("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tableName was already set to 'a'");
        assertThatThrownBy(() -> JdbcEventStore.builder().maxGroupWait(Duration.ofMillis(5))
                .maxGroupWait(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxGroupWait was already set to PT0.005S");
        assertThatThrownBy(() -> JdbcEventStore.builder().partitioned(true).partitioned(false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("partitioned was already set to true");
        assertThatThrownBy(() -> JdbcEventStore.builder().serializer(ContractEvents.serializer())
                .serializer(ContractEvents.serializer())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serializer was already set to a ")
                .hasMessageContaining("JacksonEventSerializer");
        for (UnaryOperator<JdbcEventStoreBuilder> setting : List.<UnaryOperator<JdbcEventStoreBuilder>>of(
                        b -> b.maxGroupRequests(2), b -> b.maxGroupEvents(2), b -> b.maxCommitsInFlight(2),
                        b -> b.dialect(JdbcDialect.H2), b -> b.username("u"), b -> b.jdbcUrl("jdbc:h2:mem:x"),
                        b -> b.dataSource(new HikariDataSource()),
                        b -> b.meterRegistry(new SimpleMeterRegistry()))) {
            JdbcEventStoreBuilder b = setting.apply(JdbcEventStore.builder());
            assertThatThrownBy(() -> setting.apply(b)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("was already set to");
        }
        // a bad value is still an illegal argument, and a refused call changes nothing
        JdbcEventStoreBuilder b = JdbcEventStore.builder();
        assertThatThrownBy(() -> b.pageSize(0)).isInstanceOf(IllegalArgumentException.class);
        b.pageSize(10);
    }

    @Test
    void describe_says_what_each_pool_sizes_and_the_total_the_store_opens() throws Exception {
        // given: a URL-built store with a read pool of 5 and two commits in flight
        try (JdbcEventStore store = JdbcEventStore.builder().jdbcUrl(TestDatabases.h2MemUrl()).username("sa")
                .password("").serializer(ContractEvents.serializer()).tableName("described").readPoolSize(5)
                .maxCommitsInFlight(2).maxGroupRequests(64).maxGroupEvents(1000).pageSize(250).build()) {
            // when
            String description = store.describe();
            // then
            assertThat(description).startsWith("JdbcEventStore[H2, table described (default layout) on jdbc:h2:mem:")
                    .contains("connections: read pool 5 + append pool 3 (maxCommitsInFlight 2 + 1) = at most 8 in all")
                    .contains("group commit: up to 64 requests / 1000 events per transaction, maxGroupWait PT0S")
                    .contains("reads: 250 events per page").contains("no packet limit")
                    .doesNotContain("\n");
            // and the pools really are that size
            assertThat(store.dataSource().unwrap(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(5);
        }
    }

    @Test
    void describe_of_a_store_on_a_given_data_source_says_who_sizes_it() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.h2MemUrl());
        config.setUsername("sa");
        try (HikariDataSource ds = new HikariDataSource(config);
             JdbcEventStore store = JdbcEventStore.builder().dataSource(ds).serializer(ContractEvents.serializer())
                     .build()) {
            assertThat(store.describe()).contains("on the given DataSource")
                    .contains("from the given DataSource, sized by the application (appends hold at most 4 at once: "
                            + "maxCommitsInFlight 3 + 1; reads borrow one per query)")
                    .contains("group commit: up to 256 requests / 4096 events per transaction");
        }
    }

    @Test
    void describe_on_mariadb_shows_the_learned_packet_limit_and_the_layout() {
        JdbcService service = TestDatabases.MARIADB.service();
        String table = TestDatabases.uniqueTable();
        try (JdbcEventStore store = TestDatabases.MARIADB.builder(service, table).partitioned(true).build()) {
            assertThat(store.describe()).contains("MARIADB").contains("table " + table + " (partitioned layout)")
                    .contains("read pool 6 + append pool 4 (maxCommitsInFlight 3 + 1) = at most 10 in all")
                    .containsPattern("max_allowed_packet=\\d+");
        }
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
