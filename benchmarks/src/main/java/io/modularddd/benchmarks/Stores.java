package io.modularddd.benchmarks;

/** Creates a {@link StoreUnderTest} by the name used in JMH {@code @Param}s. */
final class Stores {

    static final String RAW_JDBC = "raw-jdbc";
    static final String AXON = "axon";

    private Stores() {
    }

    static StoreUnderTest create(String name) {
        switch (name) {
            case RAW_JDBC:
                return new RawJdbcStore();
            case AXON:
                return new AxonStore();
            default:
                throw new IllegalArgumentException("unknown store '" + name + "'; use one of " + RAW_JDBC + ", " + AXON);
        }
    }
}
