package io.modularddd.examples.bank;

import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.EmailAlreadyRegisteredException;
import io.modularddd.examples.quickstart.InsufficientFundsException;
import io.modularddd.profiles.ModularDdd;
import io.modularddd.profiles.ModularDddBuilder;
import io.modularddd.profiles.Profile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the sample bank and prints what happened. With no settings it runs on the embedded default (H2 in
 * memory, in-process cache): no server needed. Two settings move the same code onto MariaDB and Redis:
 *
 * <pre>
 * MODDDD_JDBC_URL   (or -Dmodddd.jdbcUrl)   e.g. jdbc:mariadb://127.0.0.1:3306/test?user=root
 * MODDDD_REDIS_URL  (or -Dmodddd.redisUrl)  e.g. redis://127.0.0.1:6379
 * MODDDD_PROFILE    (or -Dmodddd.profile)   startup (default), growth, scale or enterprise
 * </pre>
 *
 * Ids carry a run number, so running it again against the same database starts afresh.
 */
public final class BankDemo {

    /** The environment variable, or system property {@code modddd.jdbcUrl}, naming the database. */
    public static final String JDBC_URL = "MODDDD_JDBC_URL";
    /** The environment variable, or system property {@code modddd.redisUrl}, naming the Redis server. */
    public static final String REDIS_URL = "MODDDD_REDIS_URL";
    /** The environment variable, or system property {@code modddd.profile}, naming the profile. */
    public static final String PROFILE = "MODDDD_PROFILE";

    private BankDemo() {
    }

    /**
     * Runs the demo with the settings of the environment and system properties.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        ModularDddBuilder builder = builder(name -> {
            String property = System.getProperty("modddd." + camel(name));
            return property != null ? property : env.get(name);
        });
        run(builder, Long.toString(System.currentTimeMillis(), 36), System.out);
    }

    /**
     * A toolkit builder from the three settings; the embedded default when none is set.
     *
     * @param settings the value of each setting by its environment variable's name, or null when unset
     * @return the builder
     * @throws IllegalArgumentException when a setting is malformed (the message names it)
     */
    public static ModularDddBuilder builder(Function<String, String> settings) {
        // tag::settings[]
        ModularDddBuilder builder = ModularDdd.builder();
        String profile = settings.apply("MODDDD_PROFILE");
        String jdbcUrl = settings.apply("MODDDD_JDBC_URL");
        String redisUrl = settings.apply("MODDDD_REDIS_URL");
        if (profile != null) {
            builder.profile(Profile.named(profile));                // startup, growth, scale, enterprise
        }
        if (jdbcUrl != null) {
            builder.jdbcUrl(jdbcUrl, null, null).createSchema(true);  // else the embedded H2
        }
        if (redisUrl != null) {
            builder.redis(redisUrl);                                 // else in-process tiers only
        }
        // end::settings[]
        return builder;
    }

    /**
     * Runs the demo on a toolkit and prints what happened.
     *
     * @param builder the toolkit's builder, with its profile and infrastructure
     * @param run     a suffix of every id, unique per run against one database
     * @param out     where to print
     * @return the first account's final balance, in cents
     */
    public static long run(ModularDddBuilder builder, String run, PrintStream out) {
        String ada = "user-ada-" + run;
        String bob = "user-bob-" + run;
        String adaAccount = "acc-ada-" + run;
        String bobAccount = "acc-bob-" + run;
        // tag::bank[]
        try (Bank bank = Bank.start(builder)) {                   // the toolkit, with the bank registered on it
            out.println("running on " + bank.toolkit().orElseThrow());
            bank.registerUser(ada, "ada-" + run + "@example.com", "Ada");
            bank.registerUser(bob, "bob-" + run + "@example.com", "Bob");
            bank.openAccount(adaAccount, ada);
            bank.openAccount(bobAccount, bob);
            bank.deposit(adaAccount, 10_000);

            out.println("Ada's balance: " + bank.balanceOf(adaAccount));           // loaded, then cached
            out.println("Ada's balance again: " + bank.balanceOf(adaAccount));     // from the cache
            bank.transfer(adaAccount, bobAccount, 2_500);                          // both accounts, one append
            out.println("after the transfer: " + bank.balanceOf(adaAccount));      // the event invalidated it
            try {
                bank.withdraw(adaAccount, 9_000);
            } catch (InsufficientFundsException e) {
                out.println("refused: " + e.getMessage());
            }
            try {
                bank.registerUser("user-eve-" + run, "ADA-" + run + "@example.com", "Eve");
            } catch (EmailAlreadyRegisteredException e) {
                out.println("refused: " + e.getMessage());
            }
            bank.awaitDirectory(Duration.ofSeconds(10));                           // async profiles: let it catch up
            for (AccountSummary account : bank.accountsOf(bob)) {
                out.println("Bob's directory entry: " + account);
            }
            return bank.balanceOf(adaAccount);
        }
        // end::bank[]
    }

    private static String camel(String variable) {
        String[] parts = variable.substring("MODDDD_".length()).toLowerCase(Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }
}
