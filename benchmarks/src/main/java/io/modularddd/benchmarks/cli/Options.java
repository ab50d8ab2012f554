package io.modularddd.benchmarks.cli;

import io.modularddd.profiles.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@code ddd-benchmark}, parsed and checked: every value is validated as it is read, and a bad
 * one is a {@link UsageException} naming the option, the value and what is accepted. Options take their value as
 * the next argument ({@code --operations 2000}) or after {@code =} ({@code --operations=2000}).
 *
 * @param operations measured operations per type and profile
 * @param type       the workload
 * @param profiles   the profiles to run, in order (one unless {@code --compare})
 * @param jdbcUrl    the warm tier's JDBC URL, empty for the embedded default
 * @param redisUrl   the Redis URL, empty for none
 * @param concurrency the number of threads issuing operations
 * @param warmup     unmeasured operations run first
 * @param json       where to write the JSON results, if anywhere
 * @param html       where to write the HTML report, if anywhere
 * @param help       whether only the usage was asked for
 */
record Options(int operations, Type type, List<Profile> profiles, Optional<String> jdbcUrl, Optional<String> redisUrl,
               int concurrency, int warmup, Optional<Path> json, Optional<Path> html, boolean help) {

    static final int MAX_OPERATIONS = 100_000_000;
    static final int MAX_CONCURRENCY = 512;
    static final int DEFAULT_OPERATIONS = 1000;
    static final String DEFAULT_PROFILE = "growth";

    /** The workloads. */
    enum Type {
        COMMAND, QUERY, EVENT, MIXED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String USAGE = String.join("\n",
            "Usage: ddd-benchmark [options]",
            "",
            "Runs the sample application (bank accounts) through modular-ddd and prints latency and throughput.",
            "",
            "  --operations N     measured operations per type and profile, 1.." + MAX_OPERATIONS
                    + " (default " + DEFAULT_OPERATIONS + ")",
            "  --type T           command | query | event | mixed (default mixed)",
            "  --profile NAME     startup | growth | scale | enterprise (default " + DEFAULT_PROFILE + ")",
            "  --compare P1,P2,.. run the same workload under each profile and print them side by side",
            "                     (e.g. --compare startup,growth,scale,enterprise); replaces --profile",
            "  --jdbc-url URL     the warm tier, e.g. jdbc:mariadb://127.0.0.1:3306/test?user=root",
            "                     (default: embedded H2 in memory)",
            "  --redis URL        Redis for the hot tier, the L2 cache and the queue, e.g. redis://127.0.0.1:6379",
            "                     (default: none; scale and enterprise then run degraded: hot tier off, metrics in",
            "                     process)",
            "  --concurrency N    threads issuing operations, 1.." + MAX_CONCURRENCY + " (default 1)",
            "  --warmup N         unmeasured operations run first (default: operations / 5, at most 2000)",
            "  --json FILE        also write every result, the histograms and the machine's facts as JSON",
            "  --html FILE        also write a self-contained HTML report with charts",
            "  --help             print this and exit",
            "",
            "Times are in ms, percentiles from HdrHistogram (3 significant digits); a part's ops/s is its operations",
            "over the wall-clock time of the whole measured phase. Progress goes to standard error.",
            "",
            "Exit codes: 0 done, 1 the run failed (e.g. a service is unreachable), 2 a bad option.");

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @return the options
     * @throws UsageException when an option is unknown, repeated, missing its value, or has a bad value
     */
    static Options parse(String... args) {
        Integer operations = null;
        Type type = Type.MIXED;
        String profile = null;
        List<Profile> compare = null;
        String jdbc = null;
        String redis = null;
        int concurrency = 1;
        Integer warmup = null;
        Path json = null;
        Path html = null;
        boolean help = false;
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg == null || !arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'; options start with -- (see below)");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!seen.add(name)) {
                throw new UsageException(name + " is given twice; give it once");
            }
            if (name.equals("--help") || name.equals("-h")) {
                help = true;
                continue;
            }
            if (!KNOWN.contains(name)) {
                throw new UsageException("unknown option '" + name + "'; the options are " + String.join(", ", KNOWN)
                        + ", --help");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--operations" -> operations = number(name, value, 1, MAX_OPERATIONS);
                case "--type" -> type = type(value);
                case "--profile" -> profile = profile(name, value).name();
                case "--compare" -> compare = compare(value);
                case "--jdbc-url" -> jdbc = jdbcUrl(value);
                case "--redis" -> redis = redisUrl(value);
                case "--concurrency" -> concurrency = number(name, value, 1, MAX_CONCURRENCY);
                case "--warmup" -> warmup = number(name, value, 0, MAX_OPERATIONS);
                case "--json" -> json = file(name, value);
                case "--html" -> html = file(name, value);
                default -> throw new IllegalStateException(name);
            }
        }
        if (profile != null && compare != null) {
            throw new UsageException("--profile " + profile + " cannot be combined with --compare; --compare names "
                    + "every profile to run");
        }
        if (json != null && html != null && json.toAbsolutePath().normalize().equals(html.toAbsolutePath().normalize())) {
            throw new UsageException("--json and --html both name " + json + "; give them different files");
        }
        int ops = operations == null ? DEFAULT_OPERATIONS : operations;
        int warm = warmup == null ? Math.min(ops / 5, 2000) : warmup;
        List<Profile> profiles = compare != null ? compare
                : List.of(Profile.named(profile == null ? DEFAULT_PROFILE : profile));
        return new Options(ops, type, profiles, Optional.ofNullable(jdbc), Optional.ofNullable(redis), concurrency,
                warm, Optional.ofNullable(json), Optional.ofNullable(html), help);
    }

    private static final List<String> KNOWN = List.of("--operations", "--type", "--profile", "--compare",
            "--jdbc-url", "--redis", "--concurrency", "--warmup", "--json", "--html");

    private static int number(String name, String value, int min, int max) {
        long n;
        try {
            n = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number from " + min + " to " + max + " but was '"
                    + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be from " + min + " to " + max + " but was " + n);
        }
        return (int) n;
    }

    private static Type type(String value) {
        for (Type t : Type.values()) {
            if (t.label().equalsIgnoreCase(value.trim())) {
                return t;
            }
        }
        throw new UsageException("--type must be one of command, query, event, mixed but was '" + value + "'");
    }

    private static Profile profile(String option, String value) {
        try {
            return Profile.named(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private static List<Profile> compare(String value) {
        List<Profile> list = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                throw new UsageException("--compare must list profiles separated by commas, with no empty entry, "
                        + "but was '" + value + "'");
            }
            Profile p = profile("--compare", part);
            if (!names.add(p.name())) {
                throw new UsageException("--compare names " + p.name() + " twice in '" + value + "'");
            }
            list.add(p);
        }
        return List.copyOf(list);
    }

    private static String jdbcUrl(String value) {
        if (!value.startsWith("jdbc:") || value.length() < 8) {
            throw new UsageException("--jdbc-url must be a JDBC URL such as jdbc:mariadb://127.0.0.1:3306/test?user=root"
                    + " but was '" + Masking.mask(value) + "'");
        }
        return value;
    }

    private static String redisUrl(String value) {
        if (!(value.startsWith("redis://") || value.startsWith("rediss://")) || value.indexOf("//") + 2 >= value.length()) {
            throw new UsageException("--redis must be a Redis URL such as redis://127.0.0.1:6379 but was '"
                    + Masking.mask(value) + "'");
        }
        return value;
    }

    private static Path file(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException(name + " needs a file name");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(name + " is not a valid file name: '" + value + "'");
        }
    }

    /** @return the profile names, in run order */
    List<String> profileNames() {
        return profiles.stream().map(Profile::name).toList();
    }

    /** @return whether several profiles run side by side */
    boolean comparing() {
        return profiles.size() > 1;
    }

    @Override
    public String toString() {
        return "Options" + Arrays.asList(operations, type, profileNames(), jdbcUrl.map(Masking::mask),
                redisUrl.map(Masking::mask), concurrency, warmup, json, html, help);
    }
}
