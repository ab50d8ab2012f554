package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modularddd.core.InvalidInputException;
import io.modularddd.core.cache.CacheKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class QueryKeysTest {

    enum Status { OPEN, CLOSED { @Override public String toString() { return "closed!"; } } }

    record FindOrders(String customer, Status status, LocalDate from, int limit, long afterId) { }

    record Text(String value) { }

    record Chars(char c, Character boxed) { }

    record Nums(int i, long l, Integer boxedInt, double d, Double boxedDouble, float f, BigDecimal decimal,
                   BigInteger integer, short s, byte b) { }

    record Flags(boolean flag, Boolean boxed) { }

    record Things(UUID id, Instant at, ZonedDateTime zoned, ZoneId zone) { }

    record Lists(List<String> names) { }

    record Sets(Set<String> names) { }

    record Maps(Map<String, Integer> counts) { }

    record Optionals(Optional<String> maybe) { }

    record Inner(String name, int n) { }

    record Outer(Inner inner, List<Inner> inners) { }

    record Tree(String label, List<Tree> children) { }

    record WithObject(String ok, Object filter) { }

    record WithArray(int[] ids) { }

    record WithRawList(@SuppressWarnings("rawtypes") List names) { }

    record WithWildcard(List<?> names) { }

    record WithInterface(CharSequence text) { }

    record WithDate(Date when) { }

    record Generic<T>(T value) { }

    record WithGeneric(Generic<String> inner) { }

    record NestedBad(Inner ok, List<Map<String, Object>> rows) { }

    record CaseInsensitive(String name) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CaseInsensitive c && c.name.equalsIgnoreCase(name);
        }

        @Override
        public int hashCode() {
            return name.toLowerCase(java.util.Locale.ROOT).hashCode();
        }
    }

    record HoldsCaseInsensitive(CaseInsensitive inner) { }

    record Money(BigDecimal amount) { }

    record MaybeInner(Optional<Inner> inner) { }

    /** A query written as a class with getters. */
    static final class BeanQuery {
        private final String name;
        private final int page;

        BeanQuery(String name, int page) {
            this.name = name;
            this.page = page;
        }

        public String getName() {
            return name;
        }

        public int getPage() {
            return page;
        }

        public boolean isFirst() {
            return page == 0;
        }
    }

    static final class NoGetters {
        public String name = "x";
    }

    static class NotFinal {
        public String getName() {
            return "n";
        }
    }

    record HoldsNotFinal(NotFinal value) { }

    private final QueryKeys keys = new QueryKeys();

    private String canonical(Object query) {
        return keys.keyOf(query, null).canonical();
    }

    private String body(Object query) {
        String c = canonical(query);
        return c.substring(c.indexOf(" - ") + 3);
    }

    @Nested
    class Shape {

        @Test
        void the_storage_key_is_query_simple_name_and_32_hex_digits_of_the_canonical_forms_hash() {
            FindOrders q = new FindOrders("c-1", Status.OPEN, LocalDate.of(2024, 1, 31), 50, 7L);

            CacheKey key = keys.keyOf(q, null);

            assertThat(key.canonical()).isEqualTo("v1 " + FindOrders.class.getName()
                    + " - (customer=\"c-1\",status=OPEN,from=\"2024-01-31\",limit=50,afterId=7)");
            assertThat(key.storageKey()).matches("query:\\{FindOrders}:[0-9a-f]{32}");
            long[] h = Murmur3.hash128(key.canonical().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(key.storageKey()).endsWith(Murmur3.hex(h[0], h[1]));
        }

        @Test
        void equal_queries_get_equal_keys_and_any_difference_gives_another_key() {
            FindOrders a = new FindOrders("c-1", Status.OPEN, LocalDate.of(2024, 1, 31), 50, 7L);
            FindOrders same = new FindOrders(new String("c-1"), Status.OPEN, LocalDate.of(2024, 1, 31), 50, 7L);
            assertThat(keys.keyOf(same, null)).isEqualTo(keys.keyOf(a, null));
            for (FindOrders other : List.of(new FindOrders("c-2", Status.OPEN, LocalDate.of(2024, 1, 31), 50, 7L),
                    new FindOrders("c-1", Status.CLOSED, LocalDate.of(2024, 1, 31), 50, 7L),
                    new FindOrders("c-1", Status.OPEN, LocalDate.of(2024, 2, 1), 50, 7L),
                    new FindOrders("c-1", Status.OPEN, LocalDate.of(2024, 1, 31), 51, 7L),
                    new FindOrders("c-1", Status.OPEN, LocalDate.of(2024, 1, 31), 50, 8L),
                    new FindOrders(null, Status.OPEN, LocalDate.of(2024, 1, 31), 50, 7L))) {
                assertThat(keys.keyOf(other, null).storageKey()).as("%s", other)
                        .isNotEqualTo(keys.keyOf(a, null).storageKey());
            }
        }

        @Test
        void the_scope_is_part_of_the_key() {
            Text q = new Text("x");
            CacheKey none = keys.keyOf(q, null);
            CacheKey tenant7 = keys.keyOf(q, "tenant-7");
            CacheKey tenant8 = keys.keyOf(q, "tenant-8");
            CacheKey dash = keys.keyOf(q, "-");

            assertThat(Set.of(none.storageKey(), tenant7.storageKey(), tenant8.storageKey(), dash.storageKey()))
                    .hasSize(4);
            assertThat(tenant7.canonical()).contains(" \"tenant-7\" (");
            assertThat(none.canonical()).contains(" - (");
        }

        @Test
        void an_invalid_scope_is_refused() {
            assertThatThrownBy(() -> keys.keyOf(new Text("x"), " ")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("scope");
            assertThatThrownBy(() -> keys.keyOf(null, null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("query");
        }

        @Test
        void two_types_with_the_same_components_get_different_keys() {
            record A(String v) { }
            record B(String v) { }
            assertThat(keys.keyOf(new A("x"), null).storageKey()).startsWith("query:{A}:");
            assertThat(keys.keyOf(new A("x"), null).canonical()).isNotEqualTo(keys.keyOf(new B("x"), null).canonical());
        }

        @Test
        void the_plan_of_a_type_is_built_once() {
            assertThat(keys.plan(FindOrders.class)).isSameAs(keys.plan(FindOrders.class));
        }
    }

    @Nested
    class StringRules {

        @Test
        void unicode_is_kept_as_is_and_only_quotes_backslashes_controls_and_lone_surrogates_are_escaped() {
            assertThat(body(new Text("Zoë 🚀 日本語"))).isEqualTo("(value=\"Zoë 🚀 日本語\")");
            assertThat(body(new Text("a\"b\\c"))).isEqualTo("(value=\"a\\\"b\\\\c\")");
            assertThat(body(new Text("tab\there\u0000\u007f\u0085"))).isEqualTo(
                    "(value=\"tab\\u0009here\\u0000\\u007f\\u0085\")");
            assertThat(body(new Text("lone \uD800 high, lone \uDC00 low"))).isEqualTo(
                    "(value=\"lone \\ud800 high, lone \\udc00 low\")");
        }

        @Test
        void escaping_keeps_different_strings_apart() {
            List<String> tricky = List.of("a", "a\"", "a\\", "a\\\"", "\\u0000", "\u0000", "\\ud800", "\uD800", "",
                    "null", "\"null\"", ",value=\"x\"", ")", "(", "a,b", "a=b");
            Set<String> forms = new java.util.HashSet<>();
            for (String s : tricky) {
                forms.add(canonical(new Text(s)));
            }
            assertThat(forms).hasSize(tricky.size());
        }

        @Test
        void a_string_that_spells_out_the_next_component_cannot_impersonate_it() {
            record Two(String a, String b) { }
            Two forged = new Two("x\",b=\"y", "z");
            Two honest = new Two("x", "y\",b=\"z");
            assertThat(canonical(forged)).isNotEqualTo(canonical(honest));
            Lists oneElement = new Lists(List.of("a\",\"b"));
            Lists twoElements = new Lists(List.of("a", "b"));
            assertThat(canonical(oneElement)).isNotEqualTo(canonical(twoElements));
            Maps oneEntry = new Maps(Map.of("a\"=1,\"b", 2));
            Maps twoEntries = new Maps(Map.of("a", 1, "b", 2));
            assertThat(canonical(oneEntry)).isNotEqualTo(canonical(twoEntries));
        }

        @Test
        void null_empty_and_the_word_null_differ() {
            assertThat(body(new Text(null))).isEqualTo("(value=null)");
            assertThat(body(new Text(""))).isEqualTo("(value=\"\")");
            assertThat(body(new Text("null"))).isEqualTo("(value=\"null\")");
        }

        @Test
        void unicode_is_not_normalized_so_composed_and_decomposed_forms_are_two_queries() {
            String composed = Normalizer.normalize("é", Normalizer.Form.NFC);
            String decomposed = Normalizer.normalize("é", Normalizer.Form.NFD);
            assertThat(composed).isNotEqualTo(decomposed);
            assertThat(canonical(new Text(composed))).isNotEqualTo(canonical(new Text(decomposed)));
        }

        @Test
        void chars_are_one_character_strings() {
            assertThat(body(new Chars('"', 'é'))).isEqualTo("(c=\"\\\"\",boxed=\"é\")");
            assertThat(body(new Chars('x', null))).isEqualTo("(c=\"x\",boxed=null)");
        }
    }

    @Nested
    class NumberRules {

        @Test
        void integers_are_decimal_and_floating_values_use_their_shortest_exact_form() {
            Nums n = new Nums(-1, Long.MAX_VALUE, 42, 0.1, -0.0, 1.1f,
                    new BigDecimal("1.50"), new BigInteger("123456789012345678901234567890"), (short) 7, (byte) -8);
            assertThat(body(n)).isEqualTo("(i=-1,l=9223372036854775807,boxedInt=42,d=0.1,boxedDouble=-0.0,f=1.1,"
                    + "decimal=1.50,integer=123456789012345678901234567890,s=7,b=-8)");
        }

        @Test
        void minus_zero_and_zero_differ_and_every_nan_is_one_value_as_equals_says() {
            Nums zero = numbersWithDouble(0.0);
            Nums minusZero = numbersWithDouble(-0.0);
            Nums nan = numbersWithDouble(Double.NaN);
            Nums otherNan = numbersWithDouble(Double.longBitsToDouble(0x7ff8000000000001L));

            assertThat(zero).isNotEqualTo(minusZero);
            assertThat(canonical(zero)).isNotEqualTo(canonical(minusZero));
            assertThat(nan).isEqualTo(otherNan);
            assertThat(canonical(nan)).isEqualTo(canonical(otherNan));
            assertThat(body(numbersWithDouble(Double.POSITIVE_INFINITY))).contains("d=Infinity");
        }

        @Test
        void big_decimals_keep_their_scale_as_big_decimal_equals_does() {
            assertThat(new BigDecimal("1.0")).isNotEqualTo(new BigDecimal("1.00"));
            assertThat(canonical(new Money(new BigDecimal("1.0")))).isNotEqualTo(canonical(new Money(new BigDecimal("1.00"))));
            assertThat(body(new Money(new BigDecimal("1E+3")))).isEqualTo("(amount=1E+3)");
            assertThat(canonical(new Money(new BigDecimal("1000")))).isNotEqualTo(canonical(new Money(new BigDecimal("1E+3"))));
        }

        @Test
        void a_subclass_of_big_decimal_is_refused() {
            BigDecimal sub = new BigDecimal("1") {
                private static final long serialVersionUID = 1L;
            };
            assertThatThrownBy(() -> canonical(new Money(sub))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("BigDecimal");
        }

        @Test
        void a_number_and_the_string_of_it_differ() {
            record N(int v) { }
            record S(String v) { }
            assertThat(body(new N(1))).isEqualTo("(v=1)");
            assertThat(body(new S("1"))).isEqualTo("(v=\"1\")");
        }

        private Nums numbersWithDouble(double d) {
            return new Nums(0, 0, null, d, null, 0f, null, null, (short) 0, (byte) 0);
        }
    }

    @Nested
    class OtherScalars {

        @Test
        void booleans_enums_uuids_and_time_values() {
            assertThat(body(new Flags(true, null))).isEqualTo("(flag=true,boxed=null)");
            assertThat(body(new Flags(false, Boolean.TRUE))).isEqualTo("(flag=false,boxed=true)");
            UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            ZonedDateTime zoned = ZonedDateTime.of(2024, 3, 1, 10, 0, 0, 0, ZoneId.of("Europe/Paris"));
            assertThat(body(new Things(id, Instant.parse("2024-03-01T09:00:00Z"), zoned, ZoneId.of("Europe/Paris"))))
                    .isEqualTo("(id=123e4567-e89b-12d3-a456-426614174000,at=\"2024-03-01T09:00:00Z\","
                            + "zoned=\"2024-03-01T10:00+01:00[Europe/Paris]\",zone=\"Europe/Paris\")");
        }

        @Test
        void an_enum_is_its_name_even_when_the_constant_has_a_body() {
            assertThat(body(new FindOrders("c", Status.CLOSED, null, 1, 1))).contains("status=CLOSED");
        }
    }

    @Nested
    class Containers {

        @Test
        void lists_keep_their_order() {
            assertThat(body(new Lists(List.of("b", "a")))).isEqualTo("(names=[\"b\",\"a\"])");
            assertThat(canonical(new Lists(List.of("a", "b")))).isNotEqualTo(canonical(new Lists(List.of("b", "a"))));
            assertThat(body(new Lists(List.of()))).isEqualTo("(names=[])");
            assertThat(body(new Lists(null))).isEqualTo("(names=null)");
            assertThat(body(new Lists(Arrays.asList("a", null)))).isEqualTo("(names=[\"a\",null])");
        }

        @Test
        void sets_are_sorted_by_their_elements_canonical_forms_whatever_their_own_order() {
            Set<String> hash = new java.util.HashSet<>(List.of("pear", "apple", "fig"));
            Set<String> linked = new LinkedHashSet<>(List.of("fig", "pear", "apple"));
            Set<String> reversed = new TreeSet<>(Comparator.reverseOrder());
            reversed.addAll(hash);

            assertThat(body(new Sets(hash))).isEqualTo("(names=[\"apple\",\"fig\",\"pear\"])");
            assertThat(canonical(new Sets(linked))).isEqualTo(canonical(new Sets(hash)));
            assertThat(canonical(new Sets(reversed))).isEqualTo(canonical(new Sets(hash)));
            assertThat(canonical(new Sets(Set.of("apple")))).isNotEqualTo(canonical(new Sets(hash)));
        }

        @Test
        void maps_are_sorted_by_their_keys_canonical_forms() {
            Map<String, Integer> hash = new HashMap<>(Map.of("b", 2, "a", 1, "c", 3));
            Map<String, Integer> linked = new LinkedHashMap<>();
            linked.put("c", 3);
            linked.put("a", 1);
            linked.put("b", 2);
            Map<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
            reversed.putAll(hash);

            assertThat(body(new Maps(hash))).isEqualTo("(counts={\"a\"=1,\"b\"=2,\"c\"=3})");
            assertThat(canonical(new Maps(linked))).isEqualTo(canonical(new Maps(hash)));
            assertThat(canonical(new Maps(reversed))).isEqualTo(canonical(new Maps(hash)));
            Map<String, Integer> withNull = new HashMap<>();
            withNull.put("a", null);
            assertThat(body(new Maps(withNull))).isEqualTo("(counts={\"a\"=null})");
            assertThat(canonical(new Maps(Map.of("a", 2)))).isNotEqualTo(canonical(new Maps(Map.of("a", 1))));
        }

        @Test
        void optionals_are_empty_or_of_and_differ_from_null() {
            assertThat(body(new Optionals(Optional.empty()))).isEqualTo("(maybe=empty)");
            assertThat(body(new Optionals(Optional.of("x")))).isEqualTo("(maybe=of(\"x\"))");
            assertThat(body(new Optionals(null))).isEqualTo("(maybe=null)");
            assertThat(body(new Optionals(Optional.of("empty")))).isEqualTo("(maybe=of(\"empty\"))");
        }

        @Test
        void nested_records_are_written_in_parentheses() {
            Outer q = new Outer(new Inner("a", 1), List.of(new Inner("b", 2), new Inner("c\"", 3)));
            assertThat(body(q)).isEqualTo("(inner=(name=\"a\",n=1),inners=[(name=\"b\",n=2),(name=\"c\\\"\",n=3)])");
        }

        @Test
        void a_type_that_contains_itself_is_encoded_as_deep_as_its_values() {
            Tree tree = new Tree("root", List.of(new Tree("leaf", List.of()), new Tree("empty", null)));
            assertThat(body(tree)).isEqualTo("(label=\"root\",children=[(label=\"leaf\",children=[]),"
                    + "(label=\"empty\",children=null)])");
        }

        @Test
        void values_nested_deeper_than_the_limit_are_refused() {
            Tree tree = new Tree("leaf", List.of());
            for (int i = 0; i < Encoder.MAX_DEPTH; i++) {
                tree = new Tree("n" + i, List.of(tree));
            }
            Tree deep = tree;
            assertThatThrownBy(() -> canonical(deep)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("deeper than " + Encoder.MAX_DEPTH);
        }

        @Test
        void a_collection_holding_another_type_than_declared_is_a_typed_error() {
            List<Object> polluted = new ArrayList<>();
            polluted.add(42);
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) (List<?>) polluted;
            assertThatThrownBy(() -> canonical(new Lists(names))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("another type than declared");
        }

        @Test
        void a_collection_may_be_unmodifiable_or_synchronized() {
            assertThat(canonical(new Lists(Collections.unmodifiableList(new ArrayList<>(List.of("a"))))))
                    .isEqualTo(canonical(new Lists(List.of("a"))));
        }
    }

    @Nested
    class Beans {

        @Test
        void a_class_with_getters_is_keyed_by_its_properties_in_name_order() {
            assertThat(body(new BeanQuery("x", 0))).isEqualTo("(first=true,name=\"x\",page=0)");
            assertThat(keys.keyOf(new BeanQuery("x", 0), null).storageKey()).startsWith("query:{BeanQuery}:");
        }

        @Test
        void a_bean_never_takes_the_value_keyed_fast_path() {
            assertThat(keys.plan(BeanQuery.class).valueKeyed).isFalse();
        }
    }

    @Nested
    class Refusals {

        private void refused(Object query, String... fragments) {
            assertThatThrownBy(() -> keys.keyOf(query, null)).isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).argument()).isEqualTo("query"))
                    .hasMessageContaining("cannot be cached")
                    .hasMessageContaining(query.getClass().getName())
                    .hasMessageContainingAll(fragments);
        }

        @Test
        void an_object_component_is_refused_naming_the_field() {
            refused(new WithObject("ok", "x"), "component 'filter'", "java.lang.Object");
        }

        @Test
        void arrays_raw_types_wildcards_interfaces_and_mutable_jdk_types_are_refused_naming_the_field() {
            refused(new WithArray(new int[] {1}), "component 'ids'", "arrays");
            refused(new WithRawList(List.of()), "component 'names'", "raw type");
            refused(new WithWildcard(List.of()), "component 'names[]'", "wildcards");
            refused(new WithInterface("x"), "component 'text'", "interface");
            refused(new WithDate(new Date()), "component 'when'", "java.util.Date");
            refused(new WithGeneric(new Generic<>("x")), "component 'inner'", "generic");
            refused(new HoldsNotFinal(new NotFinal()), "component 'value'", "not final");
        }

        @Test
        void a_deeply_nested_bad_component_is_named_by_its_path() {
            refused(new NestedBad(new Inner("a", 1), List.of()), "component 'rows[]{value}'", "java.lang.Object");
        }

        @Test
        void a_class_without_getters_and_jdk_types_are_refused() {
            refused(new NoGetters(), "no record components and no public getters");
            assertThatThrownBy(() -> keys.keyOf("a string", null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("java.lang.String cannot be cached");
        }

        @Test
        void the_refusal_repeats_on_every_use() {
            assertThatThrownBy(() -> keys.keyOf(new WithObject("a", 1), null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> keys.keyOf(new WithObject("b", 2), null)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("component 'filter'");
        }
    }

    @Nested
    class ValueKeyed {

        @Test
        void records_of_exact_values_may_be_keyed_by_value() {
            assertThat(keys.plan(FindOrders.class).valueKeyed).isTrue();
            assertThat(keys.plan(Things.class).valueKeyed).isTrue();
            assertThat(keys.plan(Optionals.class).valueKeyed).isTrue();
            assertThat(keys.plan(MaybeInner.class).valueKeyed).isTrue();
            assertThat(keys.plan(Chars.class).valueKeyed).isTrue();
        }

        @Test
        void collections_big_numbers_and_written_equals_are_not() {
            assertThat(keys.plan(Lists.class).valueKeyed).as("mutable, may compare loosely").isFalse();
            assertThat(keys.plan(Sets.class).valueKeyed).isFalse();
            assertThat(keys.plan(Maps.class).valueKeyed).isFalse();
            assertThat(keys.plan(Money.class).valueKeyed).as("BigDecimal is not final").isFalse();
            assertThat(keys.plan(CaseInsensitive.class).valueKeyed).as("equals written by hand").isFalse();
            assertThat(keys.plan(HoldsCaseInsensitive.class).valueKeyed).as("a component's equals written by hand")
                    .isFalse();
        }

        @Test
        void a_handwritten_equals_is_why_value_keying_is_refused() {
            // equal by their own equals, yet two queries by their canonical forms
            assertThat(new CaseInsensitive("A")).isEqualTo(new CaseInsensitive("a"));
            assertThat(canonical(new CaseInsensitive("A"))).isNotEqualTo(canonical(new CaseInsensitive("a")));
        }
    }
}
