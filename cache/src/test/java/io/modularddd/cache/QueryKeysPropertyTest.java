package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.cache.CacheKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The canonical form decides equality exactly: values that are {@code equals} (whatever the order of their
 * sets and maps) get one key, and values that are not get different canonical forms — over strings made
 * of the encoding's own delimiters, special doubles, nulls, nested records and collections.
 */
class QueryKeysPropertyTest {

    enum Kind { A, B }

    record Leaf(String s, double d) { }

    record Sample(String text, int n, Long boxed, double d, Kind kind, List<String> list, Set<String> set,
                  Map<String, Integer> map, Optional<Leaf> leaf, List<Leaf> leaves) { }

    record Head(String text, int n, Long boxed, double d, Kind kind) { }

    private final QueryKeys keys = new QueryKeys();

    @Provide
    Arbitrary<Sample> samples() {
        // a small alphabet of the encoding's delimiters and escapes, so different values look alike
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withChars('a', '"', '\\', ',', '=', '(', ')', '[', ']', '{', '}', ' ', 'n',
                        'u', 'l', '0', '\u0000', '\uD800', 'é').ofMaxLength(4),
                Arbitraries.just(null));
        Arbitrary<Double> doubles = Arbitraries.of(0.0, -0.0, Double.NaN, 1.0, 0.1, -1.5, Double.POSITIVE_INFINITY,
                1e-300);
        Arbitrary<Leaf> leaf = Combinators.combine(text, doubles).as(Leaf::new);
        Arbitrary<List<String>> list = Arbitraries.strings().withChars('a', 'b', '"', ',').ofMaxLength(2).list()
                .ofMaxSize(3);
        Arbitrary<Set<String>> set = Arbitraries.strings().withChars('a', 'b', ',').ofMaxLength(2).set().ofMaxSize(3);
        Arbitrary<Map<String, Integer>> map = Arbitraries.maps(Arbitraries.strings().withChars('a', '=').ofMaxLength(2),
                Arbitraries.integers().between(-1, 1)).ofMaxSize(3);
        Arbitrary<Optional<Leaf>> optional = Arbitraries.oneOf(Arbitraries.just(Optional.empty()), leaf.map(Optional::of),
                Arbitraries.just(null));
        return Combinators.combine(
                Combinators.combine(text, Arbitraries.integers().between(-2, 2),
                        Arbitraries.of(0L, 1L, -1L).injectNull(0.2), doubles, Arbitraries.of(Kind.class).injectNull(0.2))
                        .as(Head::new),
                list.injectNull(0.1), set, map, optional, leaf.list().ofMaxSize(2))
                .as((h, l, s, m, o, ls) -> new Sample(h.text(), h.n(), h.boxed(), h.d(), h.kind(), l, s, m, o, ls));
    }

    @Property(tries = 2000)
    void values_that_are_not_equal_have_different_canonical_forms(@ForAll("samples") Sample a,
                                                                  @ForAll("samples") Sample b) {
        Assume.that(!a.equals(b));
        assertThat(keys.keyOf(a, null).canonical()).isNotEqualTo(keys.keyOf(b, null).canonical());
    }

    @Property(tries = 500)
    void equal_values_have_one_key_whatever_the_order_of_their_sets_and_maps(@ForAll("samples") Sample a) {
        Set<String> set = new TreeSet<>(Comparator.reverseOrder());
        set.addAll(a.set());
        Map<String, Integer> map = new TreeMap<>(Comparator.reverseOrder());
        map.putAll(a.map());
        Sample copy = new Sample(a.text() == null ? null : new String(a.text()), a.n(), a.boxed(), a.d(), a.kind(),
                a.list() == null ? null : new ArrayList<>(a.list()), set, map, a.leaf(), List.copyOf(a.leaves()));
        assertThat(copy).isEqualTo(a);

        CacheKey original = keys.keyOf(a, "tenant");
        CacheKey rebuilt = keys.keyOf(copy, "tenant");

        assertThat(rebuilt).isEqualTo(original);
        Set<String> linked = new LinkedHashSet<>(a.set());
        Map<String, Integer> hashed = new HashMap<>(new LinkedHashMap<>(a.map()));
        List<String> shuffled = new ArrayList<>(linked);
        Collections.reverse(shuffled);
        Sample again = new Sample(a.text(), a.n(), a.boxed(), a.d(), a.kind(), a.list(), new LinkedHashSet<>(shuffled),
                hashed, a.leaf(), a.leaves());
        assertThat(keys.keyOf(again, "tenant")).isEqualTo(original);
    }

    @Property(tries = 300)
    void the_scope_separates_equal_queries(@ForAll("samples") Sample a) {
        assertThat(keys.keyOf(a, "tenant-1").storageKey()).isNotEqualTo(keys.keyOf(a, "tenant-2").storageKey());
        assertThat(keys.keyOf(a, null).storageKey()).isNotEqualTo(keys.keyOf(a, "tenant-1").storageKey());
    }
}
