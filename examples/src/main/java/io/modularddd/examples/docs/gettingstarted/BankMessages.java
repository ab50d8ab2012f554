package io.modularddd.examples.docs.gettingstarted;

import io.modularddd.core.command.Command;
import io.modularddd.core.query.Query;

// tag::messages[]
final class BankMessages {
    record OpenAccount(String accountId, String owner) implements Command<Void> { }
    record Deposit(String accountId, long cents) implements Command<Long> { }    // answers the new balance
    record Balance(String accountId) implements Query<Long> { }

    private BankMessages() { }
}
// end::messages[]
