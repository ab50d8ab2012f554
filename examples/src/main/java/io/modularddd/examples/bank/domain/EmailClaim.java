package io.modularddd.examples.bank.domain;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.examples.bank.domain.BankEvents.EmailClaimed;

/**
 * The claim of one email address: a stream per address, so that two registrations with one address meet on
 * one stream. The second finds it taken; two at the same moment both try to create it, and the store's
 * version check lets only one of them succeed.
 */
public final class EmailClaim extends AggregateRoot<EmailClaim> {

    /** The aggregate type name stored with a claim's events. */
    public static final String TYPE = "EmailClaim";

    private static final EventHandlers<EmailClaim> HANDLERS = EventHandlers.<EmailClaim>builder()
            .on(EmailClaimed.class, (claim, e) -> claim.userId = e.userId())
            .build();

    private String userId;

    /**
     * Creates an empty claim; state arrives through events.
     *
     * @param id the claim's id, {@link #idOf(String)}
     */
    public EmailClaim(AggregateId id) {
        super(id, HANDLERS);
    }

    /**
     * Returns the stream id of an address's claim.
     *
     * @param normalizedEmail the address, normalized
     * @return {@code email:} and the address
     */
    public static AggregateId idOf(String normalizedEmail) {
        return AggregateId.of("email:" + normalizedEmail);
    }

    /**
     * Claims an address for a user.
     *
     * @param normalizedEmail the address, normalized
     * @param userId          the user
     * @return the claim, with one uncommitted event
     */
    public static EmailClaim claim(String normalizedEmail, String userId) {
        EmailClaim claim = new EmailClaim(idOf(normalizedEmail));
        claim.raise(new EmailClaimed(userId));
        return claim;
    }

    /**
     * Returns who holds the address.
     *
     * @return the user's id
     */
    public String userId() {
        return userId;
    }
}
