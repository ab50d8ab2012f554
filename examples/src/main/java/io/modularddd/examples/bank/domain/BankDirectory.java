package io.modularddd.examples.bank.domain;

import io.modularddd.core.StoredEvent;
import io.modularddd.core.projection.Projection;
import io.modularddd.examples.bank.domain.BankEvents.UserRegistered;
import io.modularddd.examples.bank.domain.BankQueries.AccountSummary;
import io.modularddd.examples.bank.domain.BankQueries.UserView;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The bank's read model, in memory: users by email, and each user's accounts with their balances. It is
 * fed by {@link #projection()} — run by a projection engine, or a test fixture — and read by the
 * {@code AccountsOf} and {@code UserByEmail} queries.
 *
 * <p>An engine hands each event at least once (again after a crash before its checkpoint committed); the
 * model remembers the last version it applied per stream and ignores what it has seen, so a repeat changes
 * nothing. Being in memory, it starts empty in each process: rebuild the projection when the process starts
 * if its checkpoints are kept in a database. Readers may read while the projection writes.
 */
public final class BankDirectory {

    /** The projection's name: the key of its checkpoints. */
    public static final String PROJECTION = "bank-directory";

    private final ConcurrentMap<String, UserView> usersByEmail = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AccountSummary> accounts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> accountsByUser = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> appliedVersions = new ConcurrentHashMap<>();

    /**
     * Returns the projection that keeps this model: {@value #PROJECTION}, on user registrations, account
     * openings, deposits and withdrawals.
     *
     * @return the projection, for a {@code ProjectionEngine} or a {@code ProjectionTestFixture}
     */
    public Projection projection() {
        return Projection.builder(PROJECTION)
                .on(UserRegistered.class, (registered, event, tx) -> {
                    if (firstTime(event)) {
                        String userId = event.aggregateId().value();
                        usersByEmail.put(registered.email(), new UserView(userId, registered.email(), registered.name()));
                    }
                })
                .on(AccountOpened.class, (opened, event, tx) -> {
                    if (firstTime(event)) {
                        String accountId = event.aggregateId().value();
                        accounts.put(accountId, new AccountSummary(accountId, opened.owner(), 0));
                        accountsByUser.computeIfAbsent(opened.owner(), u -> ConcurrentHashMap.newKeySet()).add(accountId);
                    }
                })
                .on(MoneyDeposited.class, (deposited, event, tx) -> add(event, deposited.amountCents()))
                .on(MoneyWithdrawn.class, (withdrawn, event, tx) -> add(event, -withdrawn.amountCents()))
                .onReset(this::clear)
                .build();
    }

    /**
     * Returns a user's accounts, ordered by id.
     *
     * @param userId the user
     * @return the accounts, empty when none is known
     */
    public List<AccountSummary> accountsOf(String userId) {
        Set<String> ids = accountsByUser.get(userId);
        if (ids == null) {
            return List.of();
        }
        List<AccountSummary> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            AccountSummary summary = accounts.get(id);
            if (summary != null) {
                found.add(summary);
            }
        }
        found.sort(Comparator.comparing(AccountSummary::accountId));
        return List.copyOf(found);
    }

    /**
     * Returns an account as the model knows it.
     *
     * @param accountId the account
     * @return the account, or empty when the model has not seen it opened
     */
    public Optional<AccountSummary> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    /**
     * Returns the user registered under an address.
     *
     * @param normalizedEmail the address, normalized
     * @return the user, or empty
     */
    public Optional<UserView> userByEmail(String normalizedEmail) {
        return Optional.ofNullable(usersByEmail.get(normalizedEmail));
    }

    /**
     * Returns how many accounts the model knows.
     *
     * @return the count
     */
    public int accountCount() {
        return accounts.size();
    }

    private void add(StoredEvent event, long deltaCents) {
        if (firstTime(event)) {
            accounts.computeIfPresent(event.aggregateId().value(),
                    (id, a) -> new AccountSummary(id, a.userId(), a.balanceCents() + deltaCents));
        }
    }

    /** Whether the event is newer than what the model applied of its stream; records it if so. */
    private boolean firstTime(StoredEvent event) {
        String stream = event.aggregateId().value();
        Long applied = appliedVersions.get(stream);
        if (applied != null && applied >= event.version()) {
            return false;
        }
        appliedVersions.put(stream, event.version());
        return true;
    }

    private void clear() {
        usersByEmail.clear();
        accounts.clear();
        accountsByUser.clear();
        appliedVersions.clear();
    }
}
