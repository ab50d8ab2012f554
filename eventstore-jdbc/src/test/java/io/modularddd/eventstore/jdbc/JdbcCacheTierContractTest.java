package io.modularddd.eventstore.jdbc;

import io.modularddd.core.cache.CacheTier;
import io.modularddd.testkit.CacheTierContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache tier contract on MariaDB, PostgreSQL and H2: a unique set of tables per test, dropped afterwards; the
 * peer is a second event store (its own pools) on the same tables.
 */
class JdbcCacheTierContractTest {

    abstract static class OnDatabase extends CacheTierContract {

        private final CacheTierFixture fixture;

        /** Runs after the contract's own @AfterEach (which clears the tier), unlike a subclass's @AfterEach. */
        @RegisterExtension
        final AfterEachCallback dropTables;

        OnDatabase(TestDatabases db) {
            this.fixture = new CacheTierFixture(db);
            this.dropTables = context -> fixture.close();
        }

        @Override
        protected CacheTier createTier() {
            return fixture.create();
        }

        @Override
        protected CacheTier peerOf(CacheTier tier) {
            return fixture.peer();
        }
    }

    @Nested
    class OnMariaDb extends OnDatabase {
        OnMariaDb() {
            super(TestDatabases.MARIADB);
        }
    }

    @Nested
    class OnPostgres extends OnDatabase {
        OnPostgres() {
            super(TestDatabases.POSTGRESQL);
        }
    }

    @Nested
    class OnH2 extends OnDatabase {
        OnH2() {
            super(TestDatabases.H2);
        }
    }
}
