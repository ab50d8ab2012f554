package io.modularddd.examples.bank.domain;

import io.modularddd.core.AggregateId;
import io.modularddd.core.aggregate.AggregateRoot;
import io.modularddd.core.aggregate.EventHandlers;
import io.modularddd.examples.bank.domain.BankEvents.UserRegistered;

/** A registered user of the bank. */
public final class User extends AggregateRoot<User> {

    /** The aggregate type name stored with a user's events. */
    public static final String TYPE = "User";

    private static final EventHandlers<User> HANDLERS = EventHandlers.<User>builder()
            .on(UserRegistered.class, (user, e) -> {
                user.email = e.email();
                user.name = e.name();
            })
            .build();

    private String email;
    private String name;

    /**
     * Creates an empty user; state arrives through events.
     *
     * @param id the user's id
     */
    public User(AggregateId id) {
        super(id, HANDLERS);
    }

    /**
     * Registers a new user.
     *
     * @param id    the user's id
     * @param email the email, normalized
     * @param name  the name
     * @return the user, with one uncommitted event
     */
    public static User register(AggregateId id, String email, String name) {
        User user = new User(id);
        user.raise(new UserRegistered(email, name));
        return user;
    }

    /**
     * Returns the email.
     *
     * @return the normalized email
     */
    public String email() {
        return email;
    }

    /**
     * Returns the name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }
}
