package io.modularddd.benchmarks.cli;

import io.modularddd.profiles.Profile;
import java.util.Map;

/**
 * One profile's running application, from which the workloads are drawn; closing it stops the application and
 * removes what the run created (its tables, its Redis keys).
 */
interface Session extends AutoCloseable {

    /** @return what the profile ran on, in words */
    String wiring();

    /** @return the profile's effective settings */
    Map<String, String> settings();

    /**
     * The workload of a type, over this session's application.
     *
     * @param type the type
     * @return a new workload
     */
    Workload workload(Options.Type type);

    @Override
    void close();

    /** Opens sessions: the command's runs use the sample application; tests may use a smaller one. */
    @FunctionalInterface
    interface Factory {
        /**
         * Starts the application under a profile.
         *
         * @param profile the profile
         * @param options the command line (services, concurrency)
         * @return the running session
         * @throws Exception when it cannot start
         */
        Session open(Profile profile, Options options) throws Exception;
    }
}
