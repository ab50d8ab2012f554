package io.modularddd.examples.quickstart;

import io.modularddd.core.serialization.EventTypeRegistry;

/** The events of the quickstart's bank account. */
public final class AccountEvents {

    private AccountEvents() {
    }

    /**
     * The registry of the account's event types, under stable names.
     *
     * @return a new registry
     */
    public static EventTypeRegistry registry() {
        return EventTypeRegistry.builder()
                .register("account.opened.v1", AccountOpened.class)
                .register("account.money-deposited.v1", MoneyDeposited.class)
                .register("account.money-withdrawn.v1", MoneyWithdrawn.class)
                .build();
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
