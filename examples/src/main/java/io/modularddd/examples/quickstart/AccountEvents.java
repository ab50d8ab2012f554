package io.modularddd.examples.quickstart;

/** The events of the quickstart's bank account. */
public final class AccountEvents {

    private AccountEvents() {
    }

    /**
     * An account was opened.
     *
     * @param owner the account holder
     */
    public record AccountOpened(String owner) {
    }

    /**
     * Money was paid in.
     *
     * @param amountCents the amount, in cents
     */
    public record MoneyDeposited(long amountCents) {
    }

    /**
     * Money was paid out.
     *
     * @param amountCents the amount, in cents
     */
    public record MoneyWithdrawn(long amountCents) {
    }
}
