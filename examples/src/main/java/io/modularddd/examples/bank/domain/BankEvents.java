package io.modularddd.examples.bank.domain;

import io.modularddd.core.serialization.EventTypeRegistry;
import io.modularddd.examples.quickstart.AccountEvents.AccountOpened;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;

/**
 * The events of the sample bank: the quickstart's account events, and the users'. Each under a stable name;
 * only these are ever decoded.
 */
public final class BankEvents {

    private BankEvents() {
    }

    /**
     * The registry of every event of the bank.
     *
     * @return a new registry
     */
    public static EventTypeRegistry registry() {
        return EventTypeRegistry.builder()
                .register("account.opened.v1", AccountOpened.class)
                .register("account.money-deposited.v1", MoneyDeposited.class)
                .register("account.money-withdrawn.v1", MoneyWithdrawn.class)
                .register("user.registered.v1", UserRegistered.class)
                .register("user.email-claimed.v1", EmailClaimed.class)
                .build();
    }

    /**
     * A user registered (in the user's stream).
     *
     * @param email the user's email, normalized (trimmed, lower case)
     * @param name  the user's name
     */
    public record UserRegistered(String email, String name) {
    }

    /**
     * An email address was taken by a user (in the address's own stream, which exists once per address: that
     * is what keeps addresses unique).
     *
     * @param userId the user who holds it
     */
    public record EmailClaimed(String userId) {
    }
}
