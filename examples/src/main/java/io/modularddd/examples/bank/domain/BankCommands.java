package io.modularddd.examples.bank.domain;

import io.modularddd.core.command.Command;
import java.util.Locale;

/**
 * The commands of the sample bank. Each is a record that checks its fields when built (an
 * {@link IllegalArgumentException} naming the field), and carries every id it needs: ids come from the
 * caller, so replaying a command is deterministic.
 */
public final class BankCommands {

    /** The longest email address accepted, in characters. */
    public static final int MAX_EMAIL_LENGTH = 100;

    private BankCommands() {
    }

    /**
     * Registers a user under an email address no other user has.
     *
     * @param userId the new user's id
     * @param email  the address; trimmed and lower-cased, at most {@value #MAX_EMAIL_LENGTH} characters
     * @param name   the user's name
     */
    public record RegisterUser(String userId, String email, String name) implements Command<Void> {
        /**
         * Checks and normalizes the fields.
         *
         * @param userId the new user's id
         * @param email the address
         * @param name the name
         * @throws IllegalArgumentException when a field is missing or the address malformed
         */
        public RegisterUser {
            userId = required("userId", userId);
            name = required("name", name);
            email = normalizeEmail(email);
        }
    }

    /**
     * Opens an account for a registered user.
     *
     * @param accountId the new account's id
     * @param userId    its holder
     */
    public record OpenAccount(String accountId, String userId) implements Command<Void> {
        /**
         * Checks the fields.
         *
         * @param accountId the new account's id
         * @param userId its holder
         * @throws IllegalArgumentException when a field is missing
         */
        public OpenAccount {
            accountId = required("accountId", accountId);
            userId = required("userId", userId);
        }
    }

    /**
     * Pays money into an account; returns the new balance in cents.
     *
     * @param accountId   the account
     * @param amountCents a positive amount
     */
    public record Deposit(String accountId, long amountCents) implements Command<Long> {
        /**
         * Checks the fields.
         *
         * @param accountId the account
         * @param amountCents a positive amount
         * @throws IllegalArgumentException when a field is missing or out of range
         */
        public Deposit {
            accountId = required("accountId", accountId);
            positive(amountCents);
        }
    }

    /**
     * Pays money out of an account; returns the new balance in cents.
     *
     * @param accountId   the account
     * @param amountCents a positive amount, at most the balance
     */
    public record Withdraw(String accountId, long amountCents) implements Command<Long> {
        /**
         * Checks the fields.
         *
         * @param accountId the account
         * @param amountCents a positive amount
         * @throws IllegalArgumentException when a field is missing or out of range
         */
        public Withdraw {
            accountId = required("accountId", accountId);
            positive(amountCents);
        }
    }

    /**
     * Moves money from one account to another, both or neither; returns the paying account's new balance.
     *
     * @param fromAccountId the paying account
     * @param toAccountId   the receiving account, another one
     * @param amountCents   a positive amount, at most the paying account's balance
     */
    public record Transfer(String fromAccountId, String toAccountId, long amountCents) implements Command<Long> {
        /**
         * Checks the fields.
         *
         * @param fromAccountId the paying account
         * @param toAccountId the receiving account
         * @param amountCents a positive amount
         * @throws IllegalArgumentException when a field is missing or out of range, or both accounts are one
         */
        public Transfer {
            fromAccountId = required("fromAccountId", fromAccountId);
            toAccountId = required("toAccountId", toAccountId);
            if (fromAccountId.equals(toAccountId)) {
                throw new IllegalArgumentException("a transfer needs two accounts, but fromAccountId and toAccountId "
                        + "are both \"" + fromAccountId + "\"");
            }
            positive(amountCents);
        }
    }

    /**
     * Normalizes an email address: trimmed, lower case, and checked.
     *
     * @param email the address
     * @return the normalized address
     * @throws IllegalArgumentException when it is null, has no {@code @} between two non-empty parts, holds a
     *                                  space or a control character, or is too long
     */
    public static String normalizeEmail(String email) {
        String e = required("email", email).toLowerCase(Locale.ROOT);
        int at = e.indexOf('@');
        if (at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1 || e.length() > MAX_EMAIL_LENGTH
                || e.chars().anyMatch(c -> c <= ' ' || Character.isISOControl(c))) {
            throw new IllegalArgumentException("email must look like name@domain, without spaces, at most "
                    + MAX_EMAIL_LENGTH + " characters, but was \"" + e.replaceAll("\\p{Cntrl}", "?") + "\"");
        }
        return e;
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required but was " + (value == null ? "null" : "blank"));
        }
        return value.strip();
    }

    private static void positive(long amountCents) {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("amountCents must be positive but was " + amountCents);
        }
    }
}
