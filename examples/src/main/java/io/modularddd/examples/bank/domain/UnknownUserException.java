package io.modularddd.examples.bank.domain;

/** A command named a user who never registered. */
public final class UnknownUserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String userId;

    /**
     * Creates the error.
     *
     * @param userId the user asked for
     */
    public UnknownUserException(String userId) {
        super("no user \"" + userId + "\" is registered; register the user first (RegisterUser) or check the id");
        this.userId = userId;
    }

    /**
     * Returns the user asked for.
     *
     * @return its id
     */
    public String userId() {
        return userId;
    }
}
