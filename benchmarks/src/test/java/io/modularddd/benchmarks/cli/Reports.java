package io.modularddd.benchmarks.cli;

import io.modularddd.profiles.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Reports from real runs of the event workload over the in-memory store, for the report tests. */
final class Reports {

    private Reports() {
    }

    /**
     * Runs {@code --type event} under each profile, and adds a projection lag to the first.
     *
     * @param args the command line (profiles, operations)
     * @return the report
     * @throws Exception when a run fails
     */
    static Report of(String... args) throws Exception {
        Options options = Options.parse(args);
        List<Report.ProfileRun> runs = new ArrayList<>();
        for (Profile p : options.profiles()) {
            try (Session session = InMemorySession.open(p, options);
                 Workload w = session.workload(Options.Type.EVENT)) {
                TypeResult r = new Runner(options.operations(), options.warmup(), options.concurrency())
                        .run("event", w, Progress.silent());
                if (runs.isEmpty()) {
                    Histogram lags = LatencyStats.newHistogram();
                    for (long v = 1; v <= 100; v++) {
                        lags.recordValue(v * 10_000);
                    }
                    r = new TypeResult(r.type(), r.parts(), r.all(), r.wallNanos(),
                            Optional.of(ProjectionLag.of("async", lags, 3, 2_000_000)), r.notes());
                }
                runs.add(new Report.ProfileRun(p.name(), p.settings(), session.wiring(), List.of(r)));
            }
        }
        return new Report(Instant.parse("2026-11-30T06:00:00Z"), options, Report.Machine.current(),
                Report.Infrastructure.of(options), runs);
    }
}
