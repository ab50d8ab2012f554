package io.modularddd.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.profiles.Bank.Account;
import io.modularddd.profiles.Bank.Deposit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting and closing: no thread is left, closing twice is harmless, a given DataSource stays open. */
class LifecycleTest {

    final Infra infra = new Infra();

    @AfterEach
    void cleanUp() throws Exception {
        infra.cleanUp();
    }

    private static Set<Thread> threads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /** Threads that are not this toolkit's: the common pool and the JVM's. */
    private static boolean foreign(Thread t) {
        return t.getName().startsWith("ForkJoinPool.commonPool") || t.getName().startsWith("process reaper")
                || t.getName().startsWith("Attach Listener");
    }

    @Test
    void a_full_scale_toolkit_leaves_no_thread_behind_and_closes_twice_harmlessly() throws Exception {
        Set<Thread> before = threads();
        Bank.Balances balances = new Bank.Balances();
        ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.SCALE)
                .jdbcUrl(infra.db.jdbcUrl(), infra.db.username(), infra.db.password())
                .redis(infra.redis.uri())
                .redisKeyPrefix(infra.prefix)
                .tableName(infra.table)
                .createSchema(true)
                .eventTypes(Bank.events())
                .commandType("bank.deposit.v1", Deposit.class)
                .queueWorkers(2)
                .projection(balances.projection("balances"))
                .projection(balances.projection("balances-batched"),
                        io.modularddd.cqrs.projection.ProjectionStrategy.batched(10))
                .build();
        AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
        ddd.commandBus().register(Deposit.class, c -> {
            Account a = accounts.find(AggregateId.of(c.accountId())).orElseGet(() -> new Account(AggregateId.of(c.accountId())));
            a.deposit(c.cents());
            accounts.save(a);
            return a.cents;
        });
        ddd.commandBus().dispatchAsync(new Deposit("t-1", 1)).join();
        ProfilesEndToEndTest.await(() -> ddd.eventStore().currentVersion(AggregateId.of("t-1")) == 2, "the worker");
        ddd.projections().awaitCaughtUp("balances", ddd.eventStore().headPosition(), Duration.ofSeconds(10));
        Set<Thread> started = threads();
        started.removeAll(before);
        started.removeIf(LifecycleTest::foreign);
        assertThat(started).as("the toolkit runs threads").isNotEmpty();
        assertThat(started.stream().map(Thread::getName)).anyMatch(n -> n.startsWith("modularddd-queue-worker"));

        ddd.close();
        ddd.close();

        ProfilesEndToEndTest.await(() -> started.stream().noneMatch(Thread::isAlive), "the toolkit's threads to end");
        Set<Thread> left = threads();
        left.removeAll(before);
        left.removeIf(t -> foreign(t) || !t.isAlive());
        assertThat(left.stream().map(Thread::getName).collect(Collectors.toList())).isEmpty();
    }

    @Test
    void a_data_source_the_application_handed_in_stays_open() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:bs-ds-" + infra.id + ";DB_CLOSE_DELAY=-1");
        try (Connection keep = ds.getConnection()) {
            try (ModularDdd ddd = ModularDdd.builder().profile(Profile.GROWTH).dataSource(ds).createSchema(true)
                    .eventTypes(Bank.events()).commandType("bank.deposit.v1", Deposit.class).build()) {
                assertThat(ddd.describe()).contains("a DataSource of the application", "database table command_queue");
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"event_store\"")) {
                assertThat(rs.next()).isTrue();
            }
            try (Statement s = keep.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    @Test
    void growth_without_redis_queues_commands_in_the_database() throws Exception {
        Bank.Balances balances = new Bank.Balances();
        try (ModularDdd ddd = ModularDdd.builder()
                .profile(Profile.GROWTH)
                .jdbcUrl(infra.db.jdbcUrl(), infra.db.username(), infra.db.password())
                .tableName(infra.table)
                .createSchema(true)
                .eventTypes(Bank.events())
                .commandType("bank.deposit.v1", Deposit.class)
                .projection(balances.projection("balances"))
                .build()) {
            AggregateRepository<Account> accounts = ddd.repository("Account", Account::new);
            ddd.commandBus().register(Deposit.class, c -> {
                Account a = accounts.find(AggregateId.of(c.accountId()))
                        .orElseGet(() -> new Account(AggregateId.of(c.accountId())));
                a.deposit(c.cents());
                accounts.save(a);
                return a.cents;
            });
            assertThat(ddd.commandBus().dispatchAsync(new Deposit("j-1", 3)).join()).isNull();
            ProfilesEndToEndTest.await(() -> balances.of("j-1") == 3, "the worker and the realtime projection");
            assertThat(infra.count("SELECT COUNT(*) FROM " + infra.table + "_command_queue WHERE queue_name = 'default'"))
                    .as("the command went through the queue's table").isEqualTo(1);
            assertThat(ddd.describe()).contains("database table " + infra.table + "_command_queue", "L3 database")
                    .contains("redis: none");
        }
        try (Connection c = DriverManager.getConnection(infra.db.jdbcUrl(), infra.db.username(), infra.db.password());
             ResultSet rs = c.getMetaData().getTables(null, null, infra.table + "%", null)) {
            List<String> tables = new java.util.ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
            assertThat(tables).contains(infra.table, infra.table + "_command_queue", infra.table + "_snapshots");
        }
    }
}
