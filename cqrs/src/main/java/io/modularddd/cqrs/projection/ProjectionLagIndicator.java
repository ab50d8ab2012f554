package io.modularddd.cqrs.projection;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.health.Health;
import io.modularddd.core.health.HealthIndicator;
import io.modularddd.core.internal.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link HealthIndicator} for the projections of a {@link ProjectionEngine}: for each projection, its lag —
 * the store's head position minus the lowest position all its segments have handled — and its state. Down when a
 * projection is {@link ProjectionEngine.State#STOPPED} or lags by more than the allowed number of events.
 *
 * <pre>{@code
 * HealthIndicator projections = ProjectionLagIndicator.of(engine, 10_000);
 * // UP   {headPosition=52000, orders.lag=12, orders.state=RUNNING, totals.lag=0, totals.state=RUNNING}
 * // DOWN {headPosition=52000, orders.lag=20411, orders.state=RUNNING, ...}
 * }</pre>
 *
 * <p>A check is one {@code headPosition()} read plus, per segment another process owns, one checkpoint read.
 * Thread-safe.
 */
public final class ProjectionLagIndicator implements HealthIndicator {

    private final ProjectionEngine engine;
    private final long maxLag;

    private ProjectionLagIndicator(ProjectionEngine engine, long maxLag) {
        this.engine = engine;
        this.maxLag = maxLag;
    }

    /**
     * An indicator named {@code projections}.
     *
     * @param engine the engine whose projections are watched
     * @param maxLag the most events a projection may lag behind the head and still be up, at least 0
     * @return the indicator
     * @throws InvalidInputException when the engine is null or {@code maxLag} negative
     */
    public static ProjectionLagIndicator of(ProjectionEngine engine, long maxLag) {
        Checks.notNull("engine", engine);
        if (maxLag < 0) {
            throw new InvalidInputException("maxLag", "maxLag must not be negative but was " + maxLag
                    + "; pass e.g. 10000 (events)");
        }
        return new ProjectionLagIndicator(engine, maxLag);
    }

    @Override
    public String name() {
        return "projections";
    }

    @Override
    public Health check() {
        Map<String, String> detail = new LinkedHashMap<>();
        boolean up = true;
        try {
            long head = engine.eventStore().headPosition();
            detail.put("headPosition", Long.toString(head));
            detail.put("maxLag", Long.toString(maxLag));
            for (String projection : engine.projectionNames()) {
                long lag = Math.max(0, head - engine.lowestPosition(projection));
                ProjectionEngine.Status status = engine.status(projection);
                detail.put(projection + ".lag", Long.toString(lag));
                detail.put(projection + ".state", status.state().name());
                if (status.state() == ProjectionEngine.State.STOPPED) {
                    detail.put(projection + ".stoppedAt", Long.toString(status.stoppedAt()));
                    up = false;
                }
                up &= lag <= maxLag;
            }
        } catch (RuntimeException e) {
            detail.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            return Health.down(detail);
        }
        return up ? Health.up(detail) : Health.down(detail);
    }

    @Override
    public String toString() {
        return "ProjectionLagIndicator[maxLag=" + maxLag + "]";
    }
}
