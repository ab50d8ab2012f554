package io.modularddd.cache;

import io.modularddd.core.InvalidInputException;
import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Writes the canonical form of one declared type's values (the grammar is in {@code docs/cache.md} and on
 * {@link QueryKeys}). Made once per query type by {@link KeyPlanner}; thread-safe and immutable.
 *
 * <p>Every form is self-delimiting for a reader who knows the declared type: strings and time values are
 * quoted with escapes, every other scalar is a token of letters, digits and {@code . - + _ $} — never one of
 * the delimiters {@code " , = ( ) [ ] { }} or a space. So the canonical text of a query determines its
 * value, and different values never share one.
 */
abstract class Encoder {

    /** The deepest nesting of records and collections a query may have. */
    static final int MAX_DEPTH = 32;

    /**
     * Writes a non-null value.
     *
     * @param value the value, of the declared type
     * @param out   where to write
     * @param depth how deep the value is nested
     */
    abstract void write(Object value, StringBuilder out, int depth);

    /** Writes a value or {@code null}. */
    final void writeNullable(Object value, StringBuilder out, int depth) {
        if (value == null) {
            out.append("null");
        } else {
            write(value, out, depth);
        }
    }

    static int deeper(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new InvalidInputException("query", "the query nests records and collections deeper than "
                    + MAX_DEPTH + " levels; cached queries should be small values");
        }
        return depth + 1;
    }

    /** Appends a string in double quotes, escaping {@code "}, {@code \}, control characters and lone surrogates. */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        int n = s.length();
        int clean = 0;
        while (clean < n && plain(s.charAt(clean))) {
            clean++;
        }
        if (clean == n) {
            out.append(s);
        } else {
            out.append(s, 0, clean);
            for (int i = clean; i < n; i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (Character.isISOControl(c)) {
                    unicodeEscape(c, out);
                } else if (Character.isHighSurrogate(c)) {
                    if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        unicodeEscape(c, out);
                    }
                } else if (Character.isLowSurrogate(c)) {
                    unicodeEscape(c, out);
                } else {
                    out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static boolean plain(char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
            out.append('0');
        }
        out.append(hex);
    }

    // ---- scalars ---------------------------------------------------------------------------------------

    static final Encoder STRING = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            quote((String) value, out);
        }
    };

    static final Encoder CHARACTER = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            quote(String.valueOf((char) (Character) value), out);
        }
    };

    /** Byte, Short, Integer, Long: decimal digits. */
    static final Encoder INTEGRAL = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(((Number) value).longValue());
        }
    };

    static final Encoder FLOAT = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(Float.toString((Float) value));
        }
    };

    static final Encoder DOUBLE = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(Double.toString((Double) value));
        }
    };

    static final Encoder BOOLEAN = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(((Boolean) value).booleanValue());
        }
    };

    /** BigInteger and BigDecimal: {@code toString()}, exact (1.0 and 1.00 differ, as {@code equals} says). */
    static final Encoder BIG_NUMBER = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            Class<?> type = value.getClass();
            if (type != BigDecimal.class && type != BigInteger.class) {
                throw new InvalidInputException("query", "a " + type.getName() + " (a subclass of BigDecimal or "
                        + "BigInteger) has no stable encoding; pass a plain BigDecimal or BigInteger");
            }
            out.append(value);
        }
    };

    static final Encoder ENUM = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(((Enum<?>) value).name());
        }
    };

    /** UUID: its lowercase {@code toString()}. */
    static final Encoder TOKEN = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            out.append(value);
        }
    };

    /** java.time values: their ISO {@code toString()}, quoted (zone ids hold {@code /}, zoned values {@code [ ]}). */
    static final Encoder QUOTED_TEXT = new Encoder() {
        @Override
        void write(Object value, StringBuilder out, int depth) {
            quote(value.toString(), out);
        }
    };

    // ---- containers --------------------------------------------------------------------------------------

    /** A list: {@code [a,b]} in list order. */
    static final class ListEncoder extends Encoder {
        private final Encoder element;

        ListEncoder(Encoder element) {
            this.element = element;
        }

        @Override
        void write(Object value, StringBuilder out, int depth) {
            int d = deeper(depth);
            out.append('[');
            boolean firstElement = true;
            for (Object e : (List<?>) value) {
                if (!firstElement) {
                    out.append(',');
                }
                firstElement = false;
                element.writeNullable(e, out, d);
            }
            out.append(']');
        }
    }

    /** A set: {@code [a,b]}, its elements sorted by their canonical forms, whatever the set's own order. */
    static final class SetEncoder extends Encoder {
        private final Encoder element;

        SetEncoder(Encoder element) {
            this.element = element;
        }

        @Override
        void write(Object value, StringBuilder out, int depth) {
            int d = deeper(depth);
            Collection<?> set = (Collection<?>) value;
            List<String> parts = new ArrayList<>(set.size());
            for (Object e : set) {
                StringBuilder part = new StringBuilder();
                element.writeNullable(e, part, d);
                parts.add(part.toString());
            }
            parts.sort(null);
            out.append('[');
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(parts.get(i));
            }
            out.append(']');
        }
    }

    /** A map: {@code {k=v,k=v}}, entries sorted by the canonical forms of their keys. */
    static final class MapEncoder extends Encoder {
        private final Encoder key;
        private final Encoder val;

        MapEncoder(Encoder key, Encoder val) {
            this.key = key;
            this.val = val;
        }

        @Override
        void write(Object value, StringBuilder out, int depth) {
            int d = deeper(depth);
            Map<?, ?> map = (Map<?, ?>) value;
            List<String[]> entries = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                StringBuilder k = new StringBuilder();
                key.writeNullable(e.getKey(), k, d);
                StringBuilder v = new StringBuilder();
                val.writeNullable(e.getValue(), v, d);
                entries.add(new String[] {k.toString(), v.toString()});
            }
            entries.sort((a, b) -> a[0].compareTo(b[0]));
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(entries.get(i)[0]).append('=').append(entries.get(i)[1]);
            }
            out.append('}');
        }
    }

    /** An Optional: {@code empty} or {@code of(v)} (a null Optional is {@code null}). */
    static final class OptionalEncoder extends Encoder {
        private final Encoder element;

        OptionalEncoder(Encoder element) {
            this.element = element;
        }

        @Override
        void write(Object value, StringBuilder out, int depth) {
            Optional<?> optional = (Optional<?>) value;
            if (optional.isEmpty()) {
                out.append("empty");
            } else {
                out.append("of(");
                element.write(optional.get(), out, deeper(depth));
                out.append(')');
            }
        }
    }

    /**
     * A record or a final class with getters: {@code (name=v,name=v)}, record components in declaration
     * order, getters by property name. Its components are set once, after construction, so a record type
     * may contain itself (a tree).
     */
    static final class ObjectEncoder extends Encoder {
        private Component[] components;

        void components(Component[] resolved) {
            this.components = resolved;
        }

        @Override
        void write(Object value, StringBuilder out, int depth) {
            int d = deeper(depth);
            out.append('(');
            Component[] cs = components;
            for (int i = 0; i < cs.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(cs[i].label);
                cs[i].write(value, out, d);
            }
            out.append(')');
        }
    }

    // ---- components --------------------------------------------------------------------------------------

    /** One component of a record or bean: its label ({@code name=}) and how to read and write it. */
    abstract static class Component {
        final String label;
        final String name;

        Component(String name) {
            this.name = name;
            this.label = name + "=";
        }

        abstract void write(Object owner, StringBuilder out, int depth);

        static RuntimeException unreadable(String name, Throwable t) {
            if (t instanceof RuntimeException) {
                return (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            return new IllegalStateException("reading query component '" + name + "' failed: " + t, t);
        }
    }

    /** byte, short, int, long: read through a {@code ToLongFunction}, no boxing. */
    static final class IntegralComponent extends Component {
        private final ToLongFunction<Object> getter;

        IntegralComponent(String name, ToLongFunction<Object> getter) {
            super(name);
            this.getter = getter;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            out.append(getter.applyAsLong(owner));
        }
    }

    /** float: {@code Float.toString}, from {@code (Object)float}. */
    static final class FloatComponent extends Component {
        private final MethodHandle getter;

        FloatComponent(String name, MethodHandle getter) {
            super(name);
            this.getter = getter;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            float v;
            try {
                v = (float) getter.invokeExact(owner);
            } catch (Throwable t) {
                throw unreadable(name, t);
            }
            out.append(Float.toString(v));
        }
    }

    /** double: {@code Double.toString}, read through a {@code ToDoubleFunction}. */
    static final class DoubleComponent extends Component {
        private final ToDoubleFunction<Object> getter;

        DoubleComponent(String name, ToDoubleFunction<Object> getter) {
            super(name);
            this.getter = getter;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            out.append(Double.toString(getter.applyAsDouble(owner)));
        }
    }

    /** boolean, read through a {@code Predicate}. */
    static final class BooleanComponent extends Component {
        private final Predicate<Object> getter;

        BooleanComponent(String name, Predicate<Object> getter) {
            super(name);
            this.getter = getter;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            out.append(getter.test(owner));
        }
    }

    /** char, from {@code (Object)char}: a quoted one-character string. */
    static final class CharComponent extends Component {
        private final MethodHandle getter;

        CharComponent(String name, MethodHandle getter) {
            super(name);
            this.getter = getter;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            char v;
            try {
                v = (char) getter.invokeExact(owner);
            } catch (Throwable t) {
                throw unreadable(name, t);
            }
            quote(String.valueOf(v), out);
        }
    }

    /** A reference component, read through a {@code Function}, written by its type's encoder. */
    static final class ReferenceComponent extends Component {
        private final Function<Object, Object> getter;
        private final Encoder encoder;

        ReferenceComponent(String name, Function<Object, Object> getter, Encoder encoder) {
            super(name);
            this.getter = getter;
            this.encoder = encoder;
        }

        @Override
        void write(Object owner, StringBuilder out, int depth) {
            encoder.writeNullable(getter.apply(owner), out, depth);
        }
    }
}
