package io.modularddd.examples.docs.cqrs;

import io.modularddd.core.command.Command;
import io.modularddd.core.query.Query;

/** The commands and queries of docs/cqrs.md's samples, on the quickstart's account. */
public final class Commands {

    private Commands() {
    }

    /**
     * Pays money into an account; answers the new balance.
     *
     * @param accountId the account
     * @param cents     the amount
     */
    // tag::command[]
    public record Deposit(String accountId, long cents) implements Command<Long> { }
    // end::command[]

    /**
     * Pays money out of an account; answers the new balance.
     *
     * @param accountId the account
     * @param cents     the amount
     */
    public record Withdraw(String accountId, long cents) implements Command<Long> {
    }

    /** A command that carries an id of its own, the same every time the request is repeated. */
    public interface Identified {
        /**
         * Returns the request's id.
         *
         * @return the id
         */
        String requestId();
    }

    /**
     * A deposit sent through a durable queue, with the id of the request that asked for it.
     *
     * @param requestId the request's id
     * @param accountId the account
     * @param cents     the amount
     */
    public record QueuedDeposit(String requestId, String accountId, long cents) implements Command<Long>, Identified {
    }

    /**
     * Asks an account's balance.
     *
     * @param accountId the account
     */
    public record AccountBalance(String accountId) implements Query<Long> {
    }

    /**
     * Asks an account's balance, as one tenant sees it.
     *
     * @param tenantId  the tenant
     * @param accountId the account
     */
    public record TenantBalance(String tenantId, String accountId) implements Query<Long> {
    }
}
