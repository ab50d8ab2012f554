package io.modularddd.architecture;

import java.util.List;
import java.util.Set;

/**
 * The modules of DESIGN.md §1: their directories, their root packages, and which of the other
 * modules each may depend on. Modules that have not landed yet are listed too, so their rules hold
 * from their first commit.
 */
enum Modules {
    CORE("core", "io.modularddd.core"),
    TESTKIT("testkit", "io.modularddd.testkit", CORE),
    CACHE("cache", "io.modularddd.cache", CORE),
    SNAPSHOTS("snapshots", "io.modularddd.snapshots", CORE),
    CQRS("cqrs", "io.modularddd.cqrs", CORE),
    EVENTSTORE_JDBC("eventstore-jdbc", "io.modularddd.eventstore.jdbc", CORE),
    EVENTSTORE_REDIS("eventstore-redis", "io.modularddd.eventstore.redis", CORE),
    PROFILES("profiles", "io.modularddd.profiles", CORE, CACHE, SNAPSHOTS, CQRS, EVENTSTORE_JDBC, EVENTSTORE_REDIS),
    EXAMPLES("examples", "io.modularddd.examples", CORE, CACHE, SNAPSHOTS, CQRS, EVENTSTORE_JDBC, EVENTSTORE_REDIS,
            PROFILES),
    /** The benchmark command runs the sample application of {@code examples} as its workload. */
    BENCHMARKS("benchmarks", "io.modularddd.benchmarks", CORE, CACHE, SNAPSHOTS, CQRS, EVENTSTORE_JDBC,
            EVENTSTORE_REDIS, PROFILES, EXAMPLES);

    final String directory;
    final String rootPackage;
    private final Modules[] allowed;

    Modules(String directory, String rootPackage, Modules... allowed) {
        this.directory = directory;
        this.rootPackage = rootPackage;
        this.allowed = allowed;
    }

    String artifactId() {
        return "modular-ddd-" + directory;
    }

    Set<Modules> allowed() {
        return Set.of(allowed);
    }

    List<Modules> forbidden() {
        return java.util.Arrays.stream(values()).filter(m -> m != this && !allowed().contains(m)).toList();
    }

    String packagePattern() {
        return rootPackage + "..";
    }
}
