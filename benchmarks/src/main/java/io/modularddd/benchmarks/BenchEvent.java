package io.modularddd.benchmarks;

import java.time.Instant;
import java.util.UUID;

/**
 * The payload every store under test writes: about 200 bytes of JSON, like a typical domain event.
 *
 * @param accountId   the account
 * @param amountCents an amount
 * @param currency    a currency code
 * @param description free text
 * @param reference   an external reference
 * @param occurredAt  a timestamp
 */
public record BenchEvent(String accountId, long amountCents, String currency, String description, String reference,
                         Instant occurredAt) {

    /** The stable type name the stores register. */
    public static final String TYPE = "bench.money-deposited.v1";

    /**
     * A representative event.
     *
     * @param n a sequence number to vary the content
     * @return the event
     */
    public static BenchEvent sample(long n) {
        return new BenchEvent(UUID.randomUUID().toString(), 1_000 + n, "EUR",
                "Deposit by bank transfer, monthly salary payment for the account holder",
                "INV-2026-" + (100_000 + n), Instant.parse("2026-11-26T10:15:30.123456Z"));
    }
}
