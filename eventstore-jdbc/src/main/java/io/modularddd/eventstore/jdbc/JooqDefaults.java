package io.modularddd.eventstore.jdbc;

/**
 * Keeps jOOQ quiet on behalf of an application that did not choose it.
 *
 * <p>jOOQ logs an ASCII-art banner and a "tip of the day" at INFO the first time it renders SQL. The
 * store uses jOOQ internally, so its users would see both without having asked for jOOQ. jOOQ reads
 * the system properties {@code org.jooq.no-logo} and {@code org.jooq.no-tips} when its renderer is
 * first loaded, so the store sets them to {@code true} before it touches jOOQ — but only where the
 * application has not set them itself: {@code -Dorg.jooq.no-logo=false} keeps the banner.
 */
final class JooqDefaults {

    static final String NO_LOGO = "org.jooq.no-logo";
    static final String NO_TIPS = "org.jooq.no-tips";

    private JooqDefaults() {
    }

    /** Sets both properties to {@code true} unless the application set them; idempotent. */
    static void quiet() {
        setIfAbsent(NO_LOGO);
        setIfAbsent(NO_TIPS);
    }

    private static void setIfAbsent(String property) {
        try {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        } catch (SecurityException e) {
            // a security manager forbids it: jOOQ prints its banner, nothing else changes
        }
    }
}
