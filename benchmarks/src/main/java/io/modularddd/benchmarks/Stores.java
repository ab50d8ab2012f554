package io.modularddd.benchmarks;

/** Creates a {@link StoreUnderTest} by the name used in JMH {@code @Param}s. */
final class Stores {

    static final String RAW_JDBC = "raw-jdbc";
    static final String AXON = "axon";
    static final String MODULAR_DDD = "modular-ddd";

    private Stores() {
    }

    static StoreUnderTest create(String name) {
        switch (name) {
            case RAW_JDBC:
                return new RawJdbcStore();
            case AXON:
                return new AxonStore();
            case MODULAR_DDD:
                return new ModularDddJdbcStore();
            default:
                throw new IllegalArgumentException("unknown store '" + name + "'; use one of " + RAW_JDBC + ", " + AXON + ", "
                        + MODULAR_DDD);
        }
    }
}
