package io.modularddd.eventstore.redis;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A Redis address parsed from a {@code redis://} or {@code rediss://} URI. The password stays in
 * {@link #password()} only: {@link #toString()}, {@link #display()} and every error message show
 * the URI without its user info.
 *
 * @param host     the host
 * @param port     the port
 * @param database the database index (standalone only)
 * @param ssl      whether TLS is used ({@code rediss://})
 * @param user     the ACL user, or null
 * @param password the password, or null
 */
record RedisEndpoint(String host, int port, int database, boolean ssl, String user, String password) {

    static final int DEFAULT_PORT = 6379;

    /**
     * Parses a URI of the form {@code redis[s]://[[user]:password@]host[:port][/database]}.
     *
     * @param setting the builder setting, for messages
     * @param text    the URI
     * @return the endpoint
     * @throws IllegalArgumentException naming the setting and showing the URI without credentials
     */
    static RedisEndpoint parse(String setting, String text) {
        if (text == null) {
            throw new IllegalArgumentException(setting + " must not be null; pass e.g. \"redis://127.0.0.1:6379\"");
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw invalid(setting, text, "it is not a valid URI");
        }
        String scheme = uri.getScheme();
        if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
            throw invalid(setting, text, "the scheme must be redis:// or rediss://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw invalid(setting, text, "it names no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65_535) {
            throw invalid(setting, text, "the port must be between 1 and 65535");
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw invalid(setting, text, "the path must be a database index such as /0");
            }
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(setting, text, "query parameters and fragments are not supported; use the builder's "
                    + "settings instead");
        }
        String user = null;
        String password = null;
        String info = uri.getUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = info;
            } else {
                user = colon == 0 ? null : info.substring(0, colon);
                password = info.substring(colon + 1);
                if (password.isEmpty()) {
                    password = null;
                }
            }
        }
        return new RedisEndpoint(host, port, database, "rediss".equalsIgnoreCase(scheme), user, password);
    }

    private static IllegalArgumentException invalid(String setting, String text, String why) {
        return new IllegalArgumentException(setting + " must be a URI of the form redis[s]://[[user]:password@]"
                + "host[:port][/database], but " + why + ": \"" + mask(text) + "\"");
    }

    /**
     * Replaces the user info of a URI-like text with {@code ***}, so it can be shown.
     *
     * @param text the text
     * @return the text without credentials
     */
    static String mask(String text) {
        int scheme = text.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = text.lastIndexOf('@');
        if (at < start) {
            return text;
        }
        return text.substring(0, start) + "***" + text.substring(at);
    }

    /**
     * The URI without credentials.
     *
     * @return e.g. {@code redis://127.0.0.1:6379/0}
     */
    String display() {
        return (ssl ? "rediss://" : "redis://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + (database == 0 ? "" : "/" + database);
    }

    @Override
    public String toString() {
        return display();
    }
}
