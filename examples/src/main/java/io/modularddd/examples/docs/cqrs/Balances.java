package io.modularddd.examples.docs.cqrs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A read model of balances, kept in memory for the samples. */
public final class Balances {

    private final Map<String, Long> balances = new ConcurrentHashMap<>();

    /**
     * Returns an account's balance.
     *
     * @param accountId the account
     * @return its balance in cents, 0 when unknown
     */
    public long of(String accountId) {
        return balances.getOrDefault(accountId, 0L);
    }

    /**
     * Adds to an account's balance.
     *
     * @param accountId the account
     * @param delta     the change in cents
     */
    public void add(String accountId, long delta) {
        balances.merge(accountId, delta, Long::sum);
    }
}
