package io.modularddd.examples.bank.domain;

/** A registration used an email address another user holds. Nothing was stored. */
public final class EmailAlreadyRegisteredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String email;

    /**
     * Creates the error.
     *
     * @param email the normalized address
     */
    public EmailAlreadyRegisteredException(String email) {
        super("the email " + email + " is registered already; register with another address");
        this.email = email;
    }

    /**
     * Returns the address.
     *
     * @return the normalized address
     */
    public String email() {
        return email;
    }
}
