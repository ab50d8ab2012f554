package io.modularddd.examples.bank.domain;

import io.modularddd.core.query.Query;
import java.util.List;
import java.util.Optional;

/** The queries of the sample bank, and the views they answer with. */
public final class BankQueries {

    private BankQueries() {
    }

    /**
     * The balance of an account, in cents, from the account itself (the source of truth). Cached, under the
     * tag {@link #tag(String)}; the account's deposits and withdrawals invalidate it as they commit, so a
     * query after a command reads that command's effect.
     *
     * @param accountId the account
     */
    public record BalanceOf(String accountId) implements Query<Long> {
        /**
         * Checks the field.
         *
         * @param accountId the account
         * @throws IllegalArgumentException when it is missing
         */
        public BalanceOf {
            if (accountId == null || accountId.isBlank()) {
                throw new IllegalArgumentException("accountId is required but was " + accountId);
            }
        }

        /**
         * Returns the cache tag of an account's balance.
         *
         * @param accountId the account
         * @return {@code account:} and the id
         */
        public static String tag(String accountId) {
            return "account:" + accountId;
        }
    }

    /**
     * The accounts of a user, with their balances, from the {@link BankDirectory} read model (as far as it has
     * read the log).
     *
     * @param userId the user
     */
    public record AccountsOf(String userId) implements Query<List<AccountSummary>> {
        /**
         * Checks the field.
         *
         * @param userId the user
         * @throws IllegalArgumentException when it is missing
         */
        public AccountsOf {
            if (userId == null || userId.isBlank()) {
                throw new IllegalArgumentException("userId is required but was " + userId);
            }
        }
    }

    /**
     * The user registered under an email address, from the {@link BankDirectory} read model.
     *
     * @param email the address, normalized on construction
     */
    public record UserByEmail(String email) implements Query<Optional<UserView>> {
        /**
         * Normalizes the address.
         *
         * @param email the address
         * @throws IllegalArgumentException when it is malformed
         */
        public UserByEmail {
            email = BankCommands.normalizeEmail(email);
        }
    }

    /**
     * An account as the directory shows it.
     *
     * @param accountId    the account
     * @param userId       its holder
     * @param balanceCents its balance
     */
    public record AccountSummary(String accountId, String userId, long balanceCents) {
    }

    /**
     * A user as the directory shows it.
     *
     * @param userId the user
     * @param email  the normalized email
     * @param name   the name
     */
    public record UserView(String userId, String email, String name) {
    }
}
