package io.modularddd.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Skips or fails a test whose service cannot be found, as {@code modddd.requireServices} says. */
final class ServiceUnavailable {

    private ServiceUnavailable() {
    }

    static RuntimeException report(String service, String variable, String tried) {
        String message = service + " is not available for this test (tried: " + tried + "). Start it locally, "
                + "or set " + variable + " to point at one.";
        if (Boolean.getBoolean(ServiceFixtures.REQUIRE_SERVICES_PROPERTY)) {
            Assertions.fail(message + " (-D" + ServiceFixtures.REQUIRE_SERVICES_PROPERTY
                    + "=true: missing services fail the build instead of skipping)");
        }
        Assumptions.abort(message + " Skipping.");
        return new IllegalStateException("unreachable");
    }
}
