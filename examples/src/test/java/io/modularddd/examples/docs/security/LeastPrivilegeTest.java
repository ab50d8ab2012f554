package io.modularddd.examples.docs.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.AggregateId;
import io.modularddd.core.EventStore;
import io.modularddd.core.ExpectedVersion;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.cache.CachePolicy;
import io.modularddd.core.projection.CheckpointStore;
import io.modularddd.core.projection.CheckpointTransaction;
import io.modularddd.core.projection.SegmentLease;
import io.modularddd.core.queue.Delivery;
import io.modularddd.core.queue.QueuedCommand;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.core.snapshot.Snapshot;
import io.modularddd.core.snapshot.SnapshotStore;
import io.modularddd.cache.TieredCache;
import io.modularddd.eventstore.jdbc.JdbcCommandQueue;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import io.modularddd.examples.quickstart.Account;
import io.modularddd.examples.quickstart.AccountEvents;
import io.modularddd.testkit.ServiceFixtures;
import io.modularddd.testkit.ServiceFixtures.JdbcService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md's grants, run on the local MariaDB: the SQL blocks after the page's
 * {@code <!-- grants: ... -->} markers are executed as written (database, user and password replaced by
 * fresh ones), then every JDBC feature is used through a user holding only those grants. The run-time
 * user has no DDL privilege, and {@code createSchema()} as that user fails; the schema owner's grants are
 * enough for {@code createSchema()}, {@code addPartition} and {@code dropPartitionsBefore}.
 */
class LeastPrivilegeTest {

    private static final Pattern GRANTS = Pattern.compile("<!-- grants: (\\S+) -->\\s*\\n```sql\\n(.*?)```",
            Pattern.DOTALL);

    /** A query for the cache. @param accountId the account */
    record Balance(String accountId) {
    }

    private JdbcService root;
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "modddd_grants_" + suffix;
    private final String password = "Pw-" + UUID.randomUUID();
    private final List<String> users = new ArrayList<>();

    @BeforeEach
    void createDatabase() throws SQLException {
        root = ServiceFixtures.mariadb();
        exec("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
    }

    @AfterEach
    void dropEverything() throws SQLException {
        for (String user : users) {
            exec("DROP USER IF EXISTS '" + user + "'@'%'");
        }
        exec("DROP DATABASE IF EXISTS " + database);
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(root.jdbcUrl(), root.username(), root.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String url() {
        return root.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    /** Runs the page's block for {@code role} as root, for a fresh user; returns the user's name. */
    private String grant(String role) throws IOException, SQLException {
        Path page = root().resolve("docs/security.md");
        Matcher m = GRANTS.matcher(Files.readString(page, StandardCharsets.UTF_8));
        String sql = null;
        while (m.find()) {
            if (m.group(1).equals(role)) {
                sql = m.group(2);
            }
        }
        assertThat(sql).as("a ```sql block after <!-- grants: %s --> in docs/security.md", role).isNotNull();
        String pageUser = role.equals("runtime") ? "app" : "app_schema";
        String user = (role.equals("runtime") ? "gr_app_" : "gr_schema_") + suffix;
        users.add(user);
        String script = sql.replace("'" + pageUser + "'@'%'", "'" + user + "'@'%'")
                .replace("app.*", database + ".*")
                .replace("'a-long-random-password'", "'" + password + "'");
        for (String statement : script.split(";")) {
            String s = statement.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).strip();
            if (!s.isEmpty()) {
                exec(s);
            }
        }
        return user;
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root").isNotNull();
        return dir;
    }

    private JdbcEventStore store(String user, String table, boolean partitioned) {
        return JdbcEventStore.builder().jdbcUrl(url()).username(user).password(password)
                .serializer(JacksonEventSerializer.json(AccountEvents.registry()))
                .tableName(table).partitioned(partitioned).build();
    }

    @Test
    void the_runtime_grants_run_every_feature_and_no_ddl() throws Exception {
        try (JdbcEventStore admin = JdbcEventStore.builder().jdbcUrl(url()).username(root.username())
                .password(root.password()).serializer(JacksonEventSerializer.json(AccountEvents.registry()))
                .tableName("events").build();
             JdbcCommandQueue adminQueue = JdbcCommandQueue.builder().jdbcUrl(url()).username(root.username())
                .password(root.password()).build()) {
            admin.createSchema();
            adminQueue.createSchema();
        }
        String user = grant("runtime");

        try (JdbcEventStore store = store(user, "events", false)) {
            // events: append, load, read the log, lifecycle
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);
            Account account = Account.open(AggregateId.of("acc-1"), "Ada");
            account.deposit(500);
            accounts.save(account);
            assertThat(accounts.load(AggregateId.of("acc-1")).balanceCents()).isEqualTo(500);
            assertThat(store.readAll(1, 10).toList()).hasSize(2);
            Account other = Account.open(AggregateId.of("acc-2"), "Grace");
            accounts.save(other);
            store.truncateBefore(AggregateId.of("acc-2"), 2);
            assertThat(store.erase(AggregateId.of("acc-2"))).isEqualTo(1);
            store.delete(AggregateId.of("acc-1"), ExpectedVersion.any());

            // snapshots: save (an upsert) and prune (a delete), read the newest
            SnapshotStore snapshots = store.snapshotStore(1);
            for (long version = 1; version <= 3; version++) {
                snapshots.save(new Snapshot(AggregateId.of("acc-9"), "Account", version, 1, new byte[] {1, 2},
                        Instant.now()));
            }
            assertThat(snapshots.newest(AggregateId.of("acc-9"))).map(Snapshot::version).contains(3L);

            // projection checkpoints, leases and dead letters
            CheckpointStore checkpoints = store.checkpointStore();
            Optional<SegmentLease> lease = checkpoints.tryClaim("balances", 0, 1, "node-1", Duration.ofSeconds(30));
            assertThat(lease).isPresent();
            checkpoints.commit(lease.get(), 2, (CheckpointTransaction tx) -> { });
            assertThat(checkpoints.position("balances", 0)).isEqualTo(2);
            checkpoints.reset("balances");

            // the L3 query cache: a miss stored, a hit, a tag invalidated
            try (TieredCache cache = TieredCache.builder().tiers(store.cacheTier()).build()) {
                CachePolicy policy = CachePolicy.ttl(Duration.ofMinutes(1)).withTags("account:1");
                assertThat(cache.<String>get(new Balance("acc-1"), policy, String.class, () -> "fresh")).isEqualTo("fresh");
                assertThat(cache.<String>get(new Balance("acc-1"), policy, String.class, () -> "loaded again")).isEqualTo("fresh");
                cache.invalidateTags(Set.of("account:1"));
                assertThat(cache.<String>get(new Balance("acc-1"), policy, String.class, () -> "after")).isEqualTo("after");
            }
        }

        // the command queue: send, claim, acknowledge
        try (JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(url()).username(user).password(password)
                .build()) {
            assertThat(queue.send("q", new QueuedCommand("cmd-1", "account.deposit.v1", "{}".getBytes(
                    StandardCharsets.UTF_8)))).isTrue();
            List<Delivery> deliveries = queue.poll("q", "worker-1", 10, Duration.ZERO);
            assertThat(deliveries).hasSize(1);
            queue.acknowledge(deliveries.get(0));
        }

        // ...and no DDL
        try (JdbcEventStore fresh = store(user, "other_events", false)) {
            assertThatThrownBy(fresh::createSchema).hasMessageContaining("CREATE command denied");
        }
    }

    @Test
    void the_schema_owner_grants_create_partition_and_archive() throws Exception {
        String owner = grant("schema-owner");
        try (JdbcEventStore store = store(owner, "events", true)) {
            store.createSchema();
            exec("ALTER TABLE `" + database + "`.`events` PARTITION BY RANGE (`sequence_number`) ("
                    + "PARTITION `p3` VALUES LESS THAN (3), PARTITION `p6` VALUES LESS THAN (6),"
                    + " PARTITION `pmax` VALUES LESS THAN MAXVALUE)");
            store.addPartition(9);
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);
            for (int i = 0; i < 4; i++) {
                Account account = Account.open(AggregateId.of("acc-" + i), "Ada");
                account.deposit(1);
                accounts.save(account);                           // positions 1 .. 8
            }
            assertThat(store.dropPartitionsBefore(6)).containsExactly("p3", "p6");
            assertThat(store.readAll(1, 10).toList()).hasSize(3);  // 6, 7, 8
        }
        try (JdbcCommandQueue queue = JdbcCommandQueue.builder().jdbcUrl(url()).username(owner).password(password)
                .build()) {
            queue.createSchema();
        }
    }
}
