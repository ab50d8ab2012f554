package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRepository;
import io.modularddd.core.aggregate.EventSourcedRepository;
import io.modularddd.core.serialization.JacksonEventSerializer;
import io.modularddd.eventstore.jdbc.JdbcEventStore;
import java.io.PrintStream;

/**
 * The README's JDBC quickstart: the same account, stored in MariaDB (or MySQL, PostgreSQL, H2 — the
 * dialect is detected from the connection). The code between the {@code tag::} markers is what the
 * README shows; a test keeps the two identical and runs this class against the local MariaDB.
 */
public final class JdbcQuickstart {

    private JdbcQuickstart() {
    }

    /**
     * Runs the quickstart, e.g. {@code JdbcQuickstart jdbc:mariadb://127.0.0.1:3306/test root ""}.
     *
     * @param args the JDBC URL, the user and the password
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: JdbcQuickstart <jdbc-url> <user> <password>");
            System.exit(2);
        }
        run(args[0], args[1], args[2], System.out);
    }

    /**
     * Runs the quickstart against a database.
     *
     * @param jdbcUrl  the database, e.g. {@code jdbc:mariadb://127.0.0.1:3306/app}
     * @param user     the user
     * @param password the password
     * @param out      where to print
     * @return the balance read back, in cents
     */
    public static long run(String jdbcUrl, String user, String password, PrintStream out) {
        // tag::jdbc[]
        JacksonEventSerializer serializer = JacksonEventSerializer.json(AccountEvents.registry());
        try (JdbcEventStore store = JdbcEventStore.builder()
                .jdbcUrl(jdbcUrl)                          // jdbc:mariadb://127.0.0.1:3306/app
                .username(user).password(password)
                .serializer(serializer)
                .build()) {
            store.createSchema();                          // idempotent; or apply schema/mysql.sql yourself
            AggregateRepository<Account> accounts = EventSourcedRepository.create(store, "Account", Account::new);

            Account account = Account.open(AggregateId.of("acc-42"), "Ada");
            account.deposit(10_000);
            accounts.save(account);                        // one transaction, dense global positions

            Account reloaded = accounts.load(AggregateId.of("acc-42"));
            out.println(reloaded.owner() + " has " + reloaded.balanceCents() + " cents, version "
                    + reloaded.version() + "; the log ends at position " + store.headPosition());
            return reloaded.balanceCents();
        }
        // end::jdbc[]
    }
}
