package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.Test;

class AccessorsTest {

    record Sample(int i, long l, short s, double d, boolean b, String text) { }

    private final Sample sample = new Sample(-3, 1L << 40, (short) 7, 0.5, true, "x");

    private static MethodHandle getter(MethodHandles.Lookup lookup, String name) throws Exception {
        return lookup.unreflect(Sample.class.getDeclaredMethod(name));
    }

    @Test
    void getters_become_lambdas_of_the_query_class_that_read_the_same_values() throws Exception {
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Sample.class, MethodHandles.lookup());

        var i = Accessors.toLong(lookup, getter(lookup, "i"));
        var l = Accessors.toLong(lookup, getter(lookup, "l"));
        var s = Accessors.toLong(lookup, getter(lookup, "s"));
        var d = Accessors.toDouble(lookup, getter(lookup, "d"));
        var b = Accessors.predicate(lookup, getter(lookup, "b"));
        var text = Accessors.function(lookup, getter(lookup, "text"));

        assertThat(i.applyAsLong(sample)).isEqualTo(-3);
        assertThat(l.applyAsLong(sample)).isEqualTo(1L << 40);
        assertThat(s.applyAsLong(sample)).isEqualTo(7);
        assertThat(d.applyAsDouble(sample)).isEqualTo(0.5);
        assertThat(b.test(sample)).isTrue();
        assertThat(text.apply(sample)).isEqualTo("x");
        for (Object f : new Object[] {i, l, s, d, b, text}) {
            assertThat(f.getClass().getName()).as("made by LambdaMetafactory for the record, not the fallback")
                    .startsWith(Sample.class.getName() + "$$Lambda");
        }
    }

    @Test
    void without_full_privilege_the_method_handle_is_wrapped_and_reads_the_same() throws Exception {
        MethodHandles.Lookup full = MethodHandles.privateLookupIn(Sample.class, MethodHandles.lookup());
        MethodHandles.Lookup restricted = full.dropLookupMode(MethodHandles.Lookup.PRIVATE);

        var i = Accessors.toLong(restricted, getter(full, "i"));
        var text = Accessors.function(restricted, getter(full, "text"));

        assertThat(i.applyAsLong(sample)).isEqualTo(-3);
        assertThat(text.apply(sample)).isEqualTo("x");
        assertThat(i.getClass().getName()).startsWith(Accessors.class.getName());
    }
}
