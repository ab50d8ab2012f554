package io.modularddd.eventstore.jdbc;

/** UTF-8 sizes of strings, without encoding them. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Returns how many bytes {@code s} takes in UTF-8. A lone surrogate counts as the three bytes of a
     * replacement character.
     *
     * @param s the string
     * @return its UTF-8 length
     */
    static long length(String s) {
        long bytes = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // four bytes for the pair of two chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
