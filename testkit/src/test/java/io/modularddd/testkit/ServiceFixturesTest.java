package io.modularddd.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.testkit.ServiceFixtures.JdbcService;
import io.modularddd.testkit.ServiceFixtures.RedisService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ServiceFixturesTest {

    private final String saved = System.getProperty(ServiceFixtures.REQUIRE_SERVICES_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(ServiceFixtures.REQUIRE_SERVICES_PROPERTY);
        } else {
            System.setProperty(ServiceFixtures.REQUIRE_SERVICES_PROPERTY, saved);
        }
    }

    @Test
    void finds_mariadb_postgres_and_redis() {
        JdbcService mariadb = ServiceFixtures.mariadb();
        JdbcService postgres = ServiceFixtures.postgres();
        RedisService redis = ServiceFixtures.redis();
        assertThat(mariadb.jdbcUrl()).startsWith("jdbc:");
        assertThat(postgres.jdbcUrl()).startsWith("jdbc:postgresql:");
        assertThat(redis.port()).isPositive();
        assertThat(ServiceFixtures.mariadb()).isSameAs(mariadb);
    }

    @Test
    void a_missing_service_skips_with_the_variable_to_set() {
        System.setProperty(ServiceFixtures.REQUIRE_SERVICES_PROPERTY, "false");
        assertThatThrownBy(() -> ServiceUnavailable.report("Cassandra", "MODDDD_CASSANDRA_URL", "127.0.0.1:9042"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("MODDDD_CASSANDRA_URL")
                .hasMessageContaining("127.0.0.1:9042");
    }

    @Test
    void a_missing_service_fails_when_services_are_required() {
        System.setProperty(ServiceFixtures.REQUIRE_SERVICES_PROPERTY, "true");
        assertThatThrownBy(() -> ServiceUnavailable.report("Cassandra", "MODDDD_CASSANDRA_URL", "127.0.0.1:9042"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("MODDDD_CASSANDRA_URL")
                .hasMessageContaining(ServiceFixtures.REQUIRE_SERVICES_PROPERTY);
    }

    @Test
    void passwords_never_appear_in_descriptions() {
        JdbcService db = new JdbcService("jdbc:mariadb://h:3306/test", "app", "s3cret-pw", "env");
        RedisService redis = new RedisService("h", 6379, "r3dis-pw", "env");
        assertThat(db.toString()).doesNotContain("s3cret-pw").contains("***");
        assertThat(redis.toString()).doesNotContain("r3dis-pw");
        assertThat(redis.uri()).doesNotContain("r3dis-pw");
    }
}
