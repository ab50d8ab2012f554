package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** MurmurHash3 x64 128 against published vectors. */
class Murmur3Test {

    /** Guava's Murmur3Hash128Test (compatibility with the C++ reference), seed, h1, h2, input. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|629942693e10f867|92db0b82baeb5347|hell",
        "1|a78ddff5adae8d10|128900ef20900135|hello",
        "2|8a486b23f422e826|f962a2c58947765f|'hello '",
        "3|2ea59f466f6bed8c|c610990acc428a17|hello w",
        "4|79f6305a386c572c|46305aed3483b94e|hello wo",
        "5|c2219d213ec1f1b5|a1d8e2e0a52785bd|hello wor",
        "0|e34bbc7bbc071b6c|7a433ca9c49a9347|The quick brown fox jumps over the lazy dog",
        "0|658ca970ff85269a|43fee3eaa68e5c3e|The quick brown fox jumps over the lazy cog"
    })
    void matches_the_published_vectors(int seed, String h1, String h2, String input) {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        long[] hash = Murmur3.hash128(bytes, 0, bytes.length, seed);
        assertThat(hash[0]).isEqualTo(Long.parseUnsignedLong(h1, 16));
        assertThat(hash[1]).isEqualTo(Long.parseUnsignedLong(h2, 16));
    }

    @Test
    void renders_hex_as_guava_hash_code_does() {
        // Guava: murmur3_128(0).hashString("The quick brown fox jumps over the lazy dog", UTF_8).toString()
        long[] h = Murmur3.hash128("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8));
        assertThat(Murmur3.hex(h[0], h[1])).isEqualTo("6c1b07bc7bbc4be347939ac4a93c437a");
    }

    @Test
    void the_empty_input_with_seed_zero_hashes_to_zero() {
        long[] h = Murmur3.hash128(new byte[0]);
        assertThat(h).containsExactly(0L, 0L);
    }

    /**
     * SMHasher's VerificationTest: hash the keys {}, {0}, {0,1}, ... {0..254} with seeds 256, 255, ... 1,
     * hash the 256 results with seed 0; the first four bytes, little-endian, are MurmurHash3_x64_128's
     * published verification value 0x6384BA69. Covers every tail length and many block counts.
     */
    @Test
    void passes_smhasher_verification() {
        byte[] key = new byte[256];
        byte[] hashes = new byte[256 * 16];
        for (int i = 0; i < 256; i++) {
            key[i] = (byte) i;
            long[] h = Murmur3.hash128(key, 0, i, 256 - i);
            putLittleEndian(hashes, i * 16, h[0]);
            putLittleEndian(hashes, i * 16 + 8, h[1]);
        }
        long[] fin = Murmur3.hash128(hashes, 0, hashes.length, 0);
        int verification = (int) fin[0];
        assertThat(Integer.toHexString(verification)).isEqualTo("6384ba69");
    }

    private static void putLittleEndian(byte[] out, int at, long v) {
        for (int b = 0; b < 8; b++) {
            out[at + b] = (byte) (v >>> (8 * b));
        }
    }
}
