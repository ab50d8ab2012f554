package io.modularddd.core;

/**
 * An event payload or its metadata could not be converted to or from its stored form.
 *
 * <p>On write, nothing is stored. On read, the stored bytes are left untouched; usually the event
 * class changed incompatibly and needs an upcaster or a tolerant field mapping.
 */
public class SerializationException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String typeName;

    /**
     * Creates the exception.
     *
     * @param typeName the event type involved, or {@code "metadata"}
     * @param message  what failed and the fix
     * @param cause    the codec's exception
     */
    public SerializationException(String typeName, String message, Throwable cause) {
        super(message, cause);
        this.typeName = typeName;
    }

    /**
     * Returns the event type whose conversion failed.
     *
     * @return the stable type name, or {@code "metadata"}
     */
    public String typeName() {
        return typeName;
    }
}
