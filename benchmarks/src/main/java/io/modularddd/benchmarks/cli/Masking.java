package io.modularddd.benchmarks.cli;

import java.util.regex.Pattern;

/**
 * Masks the passwords in service URLs before they reach the screen, a report or an error message:
 * {@code jdbc:mariadb://root:secret@host/db} becomes {@code jdbc:mariadb://root:***@host/db},
 * {@code redis://:secret@host} becomes {@code redis://:***@host}, and a {@code password=} parameter (after
 * {@code ?}, {@code &} or {@code ;}, any case) becomes {@code password=***}.
 */
final class Masking {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?#]*:)[^@/?#]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");

    private Masking() {
    }

    /**
     * The URL with every password replaced by {@code ***}.
     *
     * @param url a JDBC or Redis URL, or null
     * @return the masked URL ({@code null} stays {@code null})
     */
    static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1***@");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1***");
    }

    /**
     * The text with every occurrence of the given URL's password removed, for exception messages that may quote a
     * URL in their own way.
     *
     * @param text a message
     * @param urls the URLs whose secrets must not appear
     * @return the text with those URLs masked
     */
    static String scrub(String text, String... urls) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String url : urls) {
            if (url != null && !url.isEmpty()) {
                out = out.replace(url, mask(url));
                for (String secret : passwords(url)) {
                    out = out.replace(secret, "***");
                }
            }
        }
        return mask(out);
    }

    private static java.util.List<String> passwords(String url) {
        java.util.List<String> found = new java.util.ArrayList<>();
        java.util.regex.Matcher user = Pattern.compile("//[^/@:?#]*:([^@/?#]*)@").matcher(url);
        while (user.find()) {
            found.add(user.group(1));
        }
        java.util.regex.Matcher parameter = Pattern.compile("(?i)[?&;]password=([^&;]*)").matcher(url);
        while (parameter.find()) {
            found.add(parameter.group(1));
        }
        found.removeIf(secret -> secret.length() < 3); // too short to replace without mangling the text
        return found;
    }
}
