package io.modularddd.benchmarks.cli;

import io.modularddd.profiles.Profile;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ddd-benchmark}: runs the examples' sample application (bank accounts and user registration) through the
 * one-call bootstrap under a profile, and prints the seed's table per type — operations, total, avg, min, max,
 * median, p95, p99 (from HdrHistogram) and ops/s. {@code --help} lists the options.
 *
 * <pre>
 * benchmarks/ddd-benchmark --operations 2000 --type mixed
 * benchmarks/ddd-benchmark --compare startup,growth,scale,enterprise --operations 20000 \
 *     --jdbc-url 'jdbc:mariadb://127.0.0.1:3306/test?user=root' --redis redis://127.0.0.1:6379 --html report.html
 * </pre>
 *
 * Exit codes: 0 done, 1 the run failed or a service is unreachable (the message names its URL, password masked),
 * 2 a bad option (the message, then the usage).
 */
public final class DddBenchmark {

    private DddBenchmark() {
    }

    /**
     * Runs the command and exits with its exit code when that is not 0.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // the table, not the start-up log
        }
        int code = run(args, System.out, System.err, System.console() != null, SampleAppSession::open);
        System.out.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * The command, without exiting.
     *
     * @param args     the command line
     * @param out      where results go
     * @param err      where progress and errors go
     * @param terminal whether {@code err} is a terminal (a progress bar) or not (progress lines)
     * @param sessions starts a profile's application
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal, Session.Factory sessions) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            err.println("ddd-benchmark: " + e.getMessage());
            err.println();
            err.println(Options.USAGE);
            return UsageException.EXIT_CODE;
        }
        if (options.help()) {
            out.println(Options.USAGE);
            return 0;
        }
        String[] urls = {options.jdbcUrl().orElse(null), options.redisUrl().orElse(null)};
        try {
            Preflight.check(options);
            Report report = measure(options, out, err, terminal, sessions);
            ResultTable.compare(out, report);
            if (options.json().isPresent()) {
                JsonReport.write(report, options.json().get());
                out.println("wrote " + options.json().get());
            }
            if (options.html().isPresent()) {
                HtmlReport.write(report, options.html().get());
                out.println("wrote " + options.html().get());
            }
            return 0;
        } catch (ServiceUnavailableException e) {
            err.println("ddd-benchmark: " + e.getMessage());
            return ServiceUnavailableException.EXIT_CODE;
        } catch (Exception e) {
            err.println("ddd-benchmark: the run failed: " + Masking.scrub(e.getClass().getSimpleName() + ": "
                    + Preflight.rootMessage(e), urls));
            return ServiceUnavailableException.EXIT_CODE;
        }
    }

    private static Report measure(Options options, PrintStream out, PrintStream err, boolean terminal,
                                  Session.Factory sessions) throws Exception {
        Instant started = Instant.now();
        Report header = new Report(started, options, Report.Machine.current(), Report.Infrastructure.of(options),
                List.of());
        ResultTable.header(out, header);
        List<Report.ProfileRun> runs = new ArrayList<>();
        Runner runner = new Runner(options.operations(), options.warmup(), options.concurrency());
        for (Profile profile : options.profiles()) {
            try (Session session = sessions.open(profile, options)) {
                List<TypeResult> types = new ArrayList<>();
                try (Workload workload = session.workload(options.type())) {
                    String label = profile.name() + " " + options.type().label();
                    types.add(runner.run(options.type().label(), workload,
                            Progress.of(err, terminal, label, options.operations())));
                }
                Report.ProfileRun run = new Report.ProfileRun(profile.name(), session.settings(), session.wiring(),
                        List.copyOf(types));
                ResultTable.profile(out, run);
                out.flush();
                runs.add(run);
            }
        }
        return new Report(started, options, header.machine(), header.infrastructure(), List.copyOf(runs));
    }
}
