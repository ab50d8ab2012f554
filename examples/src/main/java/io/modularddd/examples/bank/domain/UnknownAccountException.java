package io.modularddd.examples.bank.domain;

/** A command or query named an account that was never opened. */
public final class UnknownAccountException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String accountId;

    /**
     * Creates the error.
     *
     * @param accountId the account asked for
     */
    public UnknownAccountException(String accountId) {
        super("no account \"" + accountId + "\" was opened; open it first (OpenAccount) or check the id");
        this.accountId = accountId;
    }

    /**
     * Returns the account asked for.
     *
     * @return its id
     */
    public String accountId() {
        return accountId;
    }
}
