package io.modularddd.examples.docs.gettingstarted;

import io.modularddd.core.serialization.EventTypeRegistry;

// tag::events[]
final class BankEvents {
    record AccountOpened(String owner) { }
    record MoneyDeposited(long cents) { }

    static EventTypeRegistry registry() {              // stable names: they are stored with every event
        return EventTypeRegistry.builder()
                .register("account.opened.v1", AccountOpened.class)
                .register("account.money-deposited.v1", MoneyDeposited.class)
                .build();
    }

    private BankEvents() { }
}
// end::events[]
