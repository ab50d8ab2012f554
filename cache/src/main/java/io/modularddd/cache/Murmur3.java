package io.modularddd.cache;

/**
 * MurmurHash3, x64 128-bit variant (Austin Appleby's {@code MurmurHash3_x64_128}, public domain), over
 * bytes, seed 0 unless given. Written out here because Guava is not a dependency; checked against the
 * published vectors (Guava's {@code Murmur3Hash128Test}, SMHasher's verification value) in
 * {@code Murmur3Test}.
 *
 * <p>The result is two little-endian 64-bit halves {@code h1, h2}; {@link #hex} renders them as Guava's
 * {@code HashCode.toString()} does (the 16 bytes {@code h1} then {@code h2}, least significant first), so
 * the published hex vectors apply as they stand.
 */
final class Murmur3 {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Murmur3() {
    }

    /**
     * Hashes bytes with seed 0.
     *
     * @param data the bytes
     * @return {@code {h1, h2}}
     */
    static long[] hash128(byte[] data) {
        return hash128(data, 0, data.length, 0);
    }

    /**
     * Hashes a range of bytes.
     *
     * @param data   the bytes
     * @param offset the first byte
     * @param length how many bytes
     * @param seed   the seed (32 bits, as in the reference implementation)
     * @return {@code {h1, h2}}
     */
    @SuppressWarnings("fallthrough") // the reference implementation's tail switch
    static long[] hash128(byte[] data, int offset, int length, int seed) {
        long h1 = seed & 0xffffffffL;
        long h2 = seed & 0xffffffffL;
        int blocks = length >>> 4;
        for (int i = 0; i < blocks; i++) {
            int at = offset + (i << 4);
            long k1 = littleEndianLong(data, at);
            long k2 = littleEndianLong(data, at + 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = offset + (blocks << 4);
        long k1 = 0;
        long k2 = 0;
        switch (length & 15) {
            case 15: k2 ^= (long) (data[tail + 14] & 0xff) << 48; // fall through
            case 14: k2 ^= (long) (data[tail + 13] & 0xff) << 40; // fall through
            case 13: k2 ^= (long) (data[tail + 12] & 0xff) << 32; // fall through
            case 12: k2 ^= (long) (data[tail + 11] & 0xff) << 24; // fall through
            case 11: k2 ^= (long) (data[tail + 10] & 0xff) << 16; // fall through
            case 10: k2 ^= (long) (data[tail + 9] & 0xff) << 8;   // fall through
            case 9:
                k2 ^= data[tail + 8] & 0xff;
                h2 ^= mixK2(k2);
                // fall through
            case 8: k1 ^= (long) (data[tail + 7] & 0xff) << 56; // fall through
            case 7: k1 ^= (long) (data[tail + 6] & 0xff) << 48; // fall through
            case 6: k1 ^= (long) (data[tail + 5] & 0xff) << 40; // fall through
            case 5: k1 ^= (long) (data[tail + 4] & 0xff) << 32; // fall through
            case 4: k1 ^= (long) (data[tail + 3] & 0xff) << 24; // fall through
            case 3: k1 ^= (long) (data[tail + 2] & 0xff) << 16; // fall through
            case 2: k1 ^= (long) (data[tail + 1] & 0xff) << 8;  // fall through
            case 1:
                k1 ^= data[tail] & 0xff;
                h1 ^= mixK1(k1);
                break;
            default:
                break;
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        h1 += h2;
        h2 += h1;
        return new long[] {h1, h2};
    }

    /**
     * Renders a hash as 32 lowercase hex digits: the bytes of {@code h1} then {@code h2}, least significant
     * first.
     *
     * @param h1 the first half
     * @param h2 the second half
     * @return the hex string
     */
    static String hex(long h1, long h2) {
        return hex("", h1, h2);
    }

    /**
     * Renders a prefix followed by a hash's 32 hex digits, in one string.
     *
     * @param prefix the text before the digits
     * @param h1     the first half
     * @param h2     the second half
     * @return {@code prefix + hex(h1, h2)}
     */
    static String hex(String prefix, long h1, long h2) {
        int p = prefix.length();
        char[] out = new char[p + 32];
        prefix.getChars(0, p, out, 0);
        putHex(out, p, h1);
        putHex(out, p + 16, h2);
        return new String(out);
    }

    private static void putHex(char[] out, int at, long value) {
        for (int i = 0; i < 8; i++) {
            int b = (int) (value >>> (i * 8)) & 0xff;
            out[at + 2 * i] = HEX[b >>> 4];
            out[at + 2 * i + 1] = HEX[b & 15];
        }
    }

    private static long littleEndianLong(byte[] data, int at) {
        return (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16
                | (data[at + 3] & 0xffL) << 24 | (data[at + 4] & 0xffL) << 32 | (data[at + 5] & 0xffL) << 40
                | (data[at + 6] & 0xffL) << 48 | (data[at + 7] & 0xffL) << 56;
    }

    private static long mixK1(long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        return k1 * C2;
    }

    private static long mixK2(long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        return k2 * C1;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
