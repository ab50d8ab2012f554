package io.modularddd.cqrs;

import io.modularddd.core.InvalidInputException;
import java.util.List;

/**
 * {@link PerformanceProfiler#stop} was called with the name of a timer that is not running: never started,
 * stopped already, or misspelt.
 */
public final class TimerNotStartedException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    private final String timer;

    /**
     * Creates the exception.
     *
     * @param timer   the name given to {@code stop}
     * @param running the names of the timers running now
     */
    public TimerNotStartedException(String timer, List<String> running) {
        super("name", "no timer named " + (timer == null ? "null" : "'" + timer + "'") + " is running; call start(\""
                + timer + "\") before stop, and stop each timer once (running now: "
                + (running.size() > 20 ? running.subList(0, 20) + " and " + (running.size() - 20) + " more" : running)
                + ")");
        this.timer = timer;
    }

    /**
     * Returns the name given to {@code stop}.
     *
     * @return the timer's name (may be null)
     */
    public String timer() {
        return timer;
    }
}
