package io.modularddd.profiles;

import java.util.regex.Pattern;

/**
 * Masks credentials in JDBC and Redis URLs before they reach a message, a log line or {@code describe()}: the
 * password of {@code user:password@host} (the user stays) and the value of every URL property whose name mentions
 * a password, secret, token or key ({@code ?password=}, {@code ;PASSWORD=}, {@code &pwd=}).
 */
final class Secrets {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*):[^/@]*@");
    private static final Pattern PASSWORD_ONLY = Pattern.compile("//[^/@:?;]+@");
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "(?i)((?:^|[?&;:,(])[^?&;=:,()]*(?:password|passwd|pwd|secret|token|key|credential)[^?&;=]*=)[^&;)]*");

    private Secrets() {
    }

    /**
     * Returns the URL with every credential replaced by {@code ***}.
     *
     * @param url a JDBC or Redis URL, may be null
     * @return the safe form, e.g. {@code redis://user:***@host:6379}
     */
    static String maskUrl(String url) {
        if (url == null) {
            return "null";
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1:***@");
        if (url.startsWith("redis")) {
            // redis://secret@host: a lone user info is the password
            masked = PASSWORD_ONLY.matcher(masked).replaceAll("//***@");
        }
        return SECRET_PROPERTY.matcher(masked).replaceAll("$1***");
    }

    /**
     * Removes a known secret from a text (an exception message that echoed it), then masks URLs in it.
     *
     * @param text     the text, may be null
     * @param password the secret, may be null or empty
     * @return the safe text
     */
    static String scrub(String text, String password) {
        if (text == null) {
            return "";
        }
        String out = text;
        if (password != null && !password.isEmpty()) {
            out = out.replace(password, "***");
        }
        return maskUrl(out);
    }
}
