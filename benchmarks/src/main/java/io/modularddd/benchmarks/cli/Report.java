package io.modularddd.benchmarks.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one invocation measured, with what it ran on: what the text table, the JSON file and the HTML report
 * are drawn from.
 *
 * @param startedAt      when the run started
 * @param options        the command line
 * @param machine        the machine's facts
 * @param infrastructure the services, URLs masked
 * @param runs           one per profile, in order
 */
record Report(Instant startedAt, Options options, Machine machine, Infrastructure infrastructure,
              List<ProfileRun> runs) {

    /**
     * One profile's results.
     *
     * @param profile  the profile's name
     * @param settings the profile's settings as the bootstrap applied them
     * @param wiring   what the profile ran on, in words (e.g. the hot tier in process or in Redis)
     * @param types    one result per workload type
     */
    record ProfileRun(String profile, Map<String, String> settings, String wiring, List<TypeResult> types) {
    }

    /**
     * The machine the run happened on.
     *
     * @param cores      available processors
     * @param jvm        JVM name, vendor and version
     * @param os         OS name, version and architecture
     * @param maxHeapMb  the JVM's maximum heap
     */
    record Machine(int cores, String jvm, String os, long maxHeapMb) {

        static Machine current() {
            Runtime rt = Runtime.getRuntime();
            return new Machine(rt.availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.vendor") + " "
                            + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    rt.maxMemory() / (1024 * 1024));
        }
    }

    /**
     * The services the run used, passwords masked.
     *
     * @param eventStore the warm tier: a masked JDBC URL or the embedded default
     * @param redis      a masked Redis URL, or {@code none}
     * @param embedded   whether no service was given
     */
    record Infrastructure(String eventStore, String redis, boolean embedded) {

        static Infrastructure of(Options options) {
            return new Infrastructure(options.jdbcUrl().map(Masking::mask).orElse("embedded H2 (in memory)"),
                    options.redisUrl().map(Masking::mask).orElse("none"),
                    options.jdbcUrl().isEmpty() && options.redisUrl().isEmpty());
        }
    }
}
