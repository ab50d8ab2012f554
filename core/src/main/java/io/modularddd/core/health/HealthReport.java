package io.modularddd.core.health;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The answers of several {@link HealthIndicator}s, checked together: {@link Health.Status#DOWN} when any of
 * them is down.
 *
 * <pre>{@code
 * HealthReport report = HealthReport.check(List.of(database, redis, projections, queue), Duration.ofSeconds(2));
 * if (!report.isUp()) {
 *     log.warn("unhealthy: {}", report.components());
 * }
 * }</pre>
 *
 * <h2>Bounded</h2>
 * Every indicator runs on its own task, all at once, and the check waits for them until one shared deadline
 * ({@code timeout} from the start): an indicator without an answer by then is reported down with
 * {@code error=no answer within <timeout>} and {@code timedOut=true}, and the check returns — a hung server
 * cannot hang the check (the hung task itself is left to its own timeouts). An indicator that throws is down
 * with {@code error=<exception class>}: its message is not shown, since it might hold a secret (indicators
 * describe their own failures, masked, in a down answer).
 *
 * @param status     down when any component is down, else up
 * @param components each indicator's answer, by name, in the order the indicators were given
 * @param took       how long the whole check took
 */
public record HealthReport(Health.Status status, Map<String, Health> components, Duration took) {

    /** The shortest timeout a check takes. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** The longest timeout a check takes. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Validates and copies the components.
     *
     * @param status     the overall status
     * @param components the answers by name
     * @param took       the duration of the check
     * @throws InvalidInputException when an argument is null
     */
    public HealthReport {
        Checks.notNull("status", status);
        Checks.notNull("took", took);
        components = Collections.unmodifiableMap(new LinkedHashMap<>(Checks.notNull("components", components)));
    }

    /**
     * Checks indicators, each on a new daemon thread of its own (named {@code modularddd-health}), which
     * ends with its indicator.
     *
     * @param indicators the indicators, with distinct names
     * @param timeout    how long to wait for all answers, from 1 ms to 5 minutes
     * @return the report
     * @throws InvalidInputException when an argument is null, a name repeats or the timeout is out of range
     */
    public static HealthReport check(List<? extends HealthIndicator> indicators, Duration timeout) {
        return check(indicators, timeout, HealthReport::daemon);
    }

    /**
     * Checks indicators on an executor of the caller's; give it at least as many threads as indicators, or a
     * busy one makes the later indicators time out.
     *
     * @param indicators the indicators, with distinct names
     * @param timeout    how long to wait for all answers, from 1 ms to 5 minutes
     * @param executor   runs each indicator; a rejected task is reported down
     * @return the report
     * @throws InvalidInputException when an argument is null, a name repeats or the timeout is out of range
     */
    public static HealthReport check(List<? extends HealthIndicator> indicators, Duration timeout,
                                     Executor executor) {
        Checks.notNull("indicators", indicators);
        Checks.notNull("timeout", timeout);
        Checks.notNull("executor", executor);
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidInputException("timeout", "timeout must be from " + MIN_TIMEOUT + " to " + MAX_TIMEOUT
                    + " but was " + timeout + "; pass e.g. Duration.ofSeconds(2)");
        }
        Set<String> names = new HashSet<>();
        List<String> order = new ArrayList<>();
        for (HealthIndicator indicator : indicators) {
            String name = Checks.notNull("indicator", indicator).name();
            Checks.identifier("indicator name", name, 128, "database");
            if (!names.add(name)) {
                throw new InvalidInputException("indicators", "two indicators are named '" + name
                        + "'; give each a distinct name (e.g. queue:default, queue:high-priority)");
            }
            order.add(name);
        }
        long start = System.nanoTime();
        List<CompletableFuture<Health>> answers = new ArrayList<>();
        for (HealthIndicator indicator : indicators) {
            CompletableFuture<Health> answer = new CompletableFuture<>();
            answers.add(answer);
            try {
                executor.execute(() -> answer.complete(run(indicator)));
            } catch (RuntimeException e) {
                answer.complete(Health.down(Map.of("error", "not run: the executor refused it ("
                        + e.getClass().getName() + ")")));
            }
        }
        long deadline = start + timeout.toNanos();
        Map<String, Health> components = new LinkedHashMap<>();
        boolean up = true;
        for (int i = 0; i < answers.size(); i++) {
            Health health = await(answers.get(i), deadline, timeout);
            components.put(order.get(i), health);
            up &= health.isUp();
        }
        return new HealthReport(up ? Health.Status.UP : Health.Status.DOWN, components,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static Health run(HealthIndicator indicator) {
        try {
            Health health = indicator.check();
            return health != null ? health : Health.down(Map.of("error", "the indicator answered null"));
        } catch (RuntimeException | Error e) {
            return Health.down(Map.of("error", e.getClass().getName()));
        }
    }

    private static Health await(CompletableFuture<Health> answer, long deadline, Duration timeout) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Health.down(timedOut(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(Map.of("error", "the check was interrupted"));
        } catch (ExecutionException e) {
            return Health.down(Map.of("error", e.getCause().getClass().getName()));
        }
    }

    private static Map<String, String> timedOut(Duration timeout) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("error", "no answer within " + timeout.toMillis() + " ms");
        detail.put("timedOut", "true");
        return detail;
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "modularddd-health");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Tells whether every component is up.
     *
     * @return {@code true} when {@link Health.Status#UP}
     */
    public boolean isUp() {
        return status == Health.Status.UP;
    }
}
