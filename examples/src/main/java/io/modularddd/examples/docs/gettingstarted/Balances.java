package io.modularddd.examples.docs.gettingstarted;

import io.modularddd.core.projection.Projection;
import io.modularddd.examples.docs.gettingstarted.BankEvents.MoneyDeposited;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

// tag::read-model[]
final class Balances {
    private final Map<String, Long> cents = new ConcurrentHashMap<>();

    Projection projection() {
        return Projection.builder("balances")
                .on(MoneyDeposited.class, (deposited, event, tx) ->
                        cents.merge(event.aggregateId().value(), deposited.cents(), Long::sum))
                .onReset(cents::clear)                           // a rebuild starts from an empty model
                .build();
    }

    long of(String accountId) { return cents.getOrDefault(accountId, 0L); }
}
// end::read-model[]
