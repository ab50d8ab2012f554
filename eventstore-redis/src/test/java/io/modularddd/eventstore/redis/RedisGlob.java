package io.modularddd.eventstore.redis;

/**
 * A Java port of Redis's glob matcher ({@code stringmatchlen} in util.c, as used by SCAN MATCH), so
 * property tests can check escaped patterns without a server: {@code *}, {@code ?},
 * {@code [...]} with {@code ^} and ranges, and {@code \} escapes.
 */
final class RedisGlob {

    private RedisGlob() {
    }

    static boolean matches(String pattern, String string) {
        return match(pattern, 0, string, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length() && si < s.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (match(p, pi + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < p.length() && p.charAt(pi) == '^';
                    if (not) {
                        pi++;
                    }
                    boolean found = false;
                    while (pi < p.length()) {
                        char pc = p.charAt(pi);
                        if (pc == '\\' && pi + 1 < p.length()) {
                            pi++;
                            if (p.charAt(pi) == s.charAt(si)) {
                                found = true;
                            }
                        } else if (pc == ']') {
                            break;
                        } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
                            char start = pc;
                            char end = p.charAt(pi + 2);
                            if (start > end) {
                                char t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            char sc = s.charAt(si);
                            if (sc >= start && sc <= end) {
                                found = true;
                            }
                        } else if (pc == s.charAt(si)) {
                            found = true;
                        }
                        pi++;
                    }
                    if (pi >= p.length()) {
                        pi = p.length() - 1; // unterminated class: Redis treats the end as the end
                    }
                    if (not) {
                        found = !found;
                    }
                    if (!found) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length()) {
                        pi++;
                    }
                    if (si >= s.length() || p.charAt(pi) != s.charAt(si)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length() || c != s.charAt(si)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
            if (si == s.length()) {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == p.length() && si == s.length();
    }
}
