package io.modularddd.eventstore.jdbc;

import java.util.regex.Pattern;

/**
 * Removes credentials from JDBC URLs before they reach a message or a log line.
 *
 * <p>Masks the password of {@code user:password@host} and the value of every URL property whose name
 * mentions a password, secret, token or key ({@code ?password=}, {@code ;PASSWORD=}, {@code &pwd=},
 * {@code sslpassword=}, ...).
 */
final class Redaction {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*):[^/@]*@");
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "(?i)((?:^|[?&;:,(])[^?&;=:,()]*(?:password|passwd|pwd|secret|token|key|credential)[^?&;=]*=)[^&;)]*");

    private Redaction() {
    }

    /**
     * Returns the URL with every credential replaced by {@code ***}.
     *
     * @param jdbcUrl the URL, may be null
     * @return the safe form
     */
    static String url(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "null";
        }
        String masked = USER_INFO.matcher(jdbcUrl).replaceAll("$1:***@");
        return SECRET_PROPERTY.matcher(masked).replaceAll("$1***");
    }
}
