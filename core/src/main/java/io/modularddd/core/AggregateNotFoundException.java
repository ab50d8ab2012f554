package io.modularddd.core;

/**
 * An aggregate was loaded by id but its stream holds no events.
 *
 * <p>Use {@code AggregateRepository.find(id)} when absence is an expected outcome.
 */
public class AggregateNotFoundException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final AggregateId aggregateId;
    private final String aggregateType;

    /**
     * Creates the exception.
     *
     * @param aggregateType the type the repository serves
     * @param aggregateId   the id that has no events
     */
    public AggregateNotFoundException(String aggregateType, AggregateId aggregateId) {
        super(aggregateType + " '" + aggregateId.value() + "' does not exist: its stream has no events. "
                + "Check the id, or use find(id) where a missing aggregate is expected.");
        this.aggregateId = aggregateId;
        this.aggregateType = aggregateType;
    }

    /**
     * Returns the id that was not found.
     *
     * @return the aggregate id
     */
    public AggregateId aggregateId() {
        return aggregateId;
    }

    /**
     * Returns the aggregate type the repository serves.
     *
     * @return the aggregate type
     */
    public String aggregateType() {
        return aggregateType;
    }
}
