package io.modularddd.core;

/**
 * An event class or event type name is not registered in the
 * {@link io.modularddd.core.serialization.EventTypeRegistry}.
 *
 * <p>Only registered types are ever written or read: a class name found in storage is never turned
 * into a class. Register the type with
 * {@code EventTypeRegistry.builder().register("order.placed.v1", OrderPlaced.class)}.
 */
public class UnknownEventTypeException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final String typeName;
    private final String className;

    private UnknownEventTypeException(String typeName, String className, String message) {
        super(message);
        this.typeName = typeName;
        this.className = className;
    }

    /**
     * For a class that has no registered type name (thrown when writing).
     *
     * @param eventClass the unregistered class
     * @return the exception
     */
    public static UnknownEventTypeException forClass(Class<?> eventClass) {
        return new UnknownEventTypeException(null, eventClass.getName(),
                "Event class " + eventClass.getName() + " is not registered. Register it with "
                        + "EventTypeRegistry.builder().register(\"<stable.name.v1>\", " + eventClass.getSimpleName()
                        + ".class) before appending events of this type.");
    }

    /**
     * For a stored type name that has no registered class (thrown when reading).
     *
     * @param typeName the unknown name
     * @return the exception
     */
    public static UnknownEventTypeException forName(String typeName) {
        return new UnknownEventTypeException(typeName, null,
                "Event type name '" + typeName + "' is not registered. Register the class that this "
                        + "name stands for with EventTypeRegistry.builder().register(\"" + typeName
                        + "\", <EventClass>.class), or alias(...) if the type was renamed.");
    }

    /**
     * Returns the unknown type name, if the failure was on read.
     *
     * @return the type name, or {@code null} when the failure was an unregistered class
     */
    public String typeName() {
        return typeName;
    }

    /**
     * Returns the unregistered class name, if the failure was on write.
     *
     * @return the class name, or {@code null} when the failure was an unknown type name
     */
    public String className() {
        return className;
    }
}
