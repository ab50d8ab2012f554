package io.modularddd.eventstore.jdbc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The tests' SLF4J backend: every level of every logger is enabled (so a secret in a debug line of
 * HikariCP, jOOQ or the store would be produced), INFO and above are echoed to stderr, and while
 * {@link #startCapture()} is on, every line — message and stack trace — is kept for inspection.
 */
public final class CapturingLoggerProvider implements SLF4JServiceProvider {

    private static final StringBuffer CAPTURED = new StringBuffer();
    private static volatile boolean capturing;

    private final ILoggerFactory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Starts keeping every log line, dropping what was kept before. */
    static void startCapture() {
        CAPTURED.setLength(0);
        capturing = true;
    }

    /** Stops keeping log lines and returns what was kept. */
    static String stopCapture() {
        capturing = false;
        return CAPTURED.toString();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class Factory implements ILoggerFactory {
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, CapturingLogger::new);
        }
    }

    private static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            String line = level + " " + name + " - " + MessageFormatter.basicArrayFormat(pattern, arguments);
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                line = line + "\n" + trace;
            }
            if (capturing) {
                CAPTURED.append(line).append('\n');
            }
            if (level.toInt() >= Level.INFO.toInt()) {
                System.err.println(line);
            }
        }
    }
}
