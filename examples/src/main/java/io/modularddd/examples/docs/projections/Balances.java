package io.modularddd.examples.docs.projections;

import io.modularddd.core.projection.Projection;
import io.modularddd.examples.quickstart.AccountEvents.MoneyDeposited;
import io.modularddd.examples.quickstart.AccountEvents.MoneyWithdrawn;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A read model of balances in memory, with the projection that keeps it: docs/projections.md's test sample. */
public final class Balances {

    private final Map<String, Long> balances = new ConcurrentHashMap<>();

    /**
     * The projection that keeps this read model.
     *
     * @return the projection
     */
    public Projection projection() {
        return Projection.builder("account-balances-in-memory")
                .on(MoneyDeposited.class, (deposited, event, tx) ->
                        balances.merge(event.aggregateId().value(), deposited.amountCents(), Long::sum))
                .on(MoneyWithdrawn.class, (withdrawn, event, tx) ->
                        balances.merge(event.aggregateId().value(), -withdrawn.amountCents(), Long::sum))
                .onReset(balances::clear)
                .build();
    }

    /**
     * Returns an account's balance.
     *
     * @param accountId the account
     * @return its balance in cents, 0 when unknown
     */
    public long of(String accountId) {
        return balances.getOrDefault(accountId, 0L);
    }
}
