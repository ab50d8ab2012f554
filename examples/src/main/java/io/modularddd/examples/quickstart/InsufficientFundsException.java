package io.modularddd.examples.quickstart;

import io.modularddd.core.AggregateId;

/**
 * A withdrawal asked for more than the account holds: the account's one business rule. Carries the
 * account, its balance and the amount asked for; nothing was changed.
 */
public final class InsufficientFundsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient AggregateId accountId;
    private final long balanceCents;
    private final long requestedCents;

    /**
     * Creates the error.
     *
     * @param accountId      the account
     * @param balanceCents   its balance
     * @param requestedCents the amount asked for
     */
    public InsufficientFundsException(AggregateId accountId, long balanceCents, long requestedCents) {
        super("account " + accountId.value() + " holds " + balanceCents + " cents, cannot withdraw "
                + requestedCents + "; withdraw at most the balance or deposit first");
        this.accountId = accountId;
        this.balanceCents = balanceCents;
        this.requestedCents = requestedCents;
    }

    /**
     * Returns the account.
     *
     * @return its id
     */
    public AggregateId accountId() {
        return accountId;
    }

    /**
     * Returns the balance at the time of the withdrawal.
     *
     * @return cents
     */
    public long balanceCents() {
        return balanceCents;
    }

    /**
     * Returns the amount asked for.
     *
     * @return cents
     */
    public long requestedCents() {
        return requestedCents;
    }
}
