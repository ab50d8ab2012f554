package io.modularddd.cache;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Turns a component's getter into a functional interface once, with {@link LambdaMetafactory}: calling it
 * is an ordinary interface call the JIT inlines, where a method handle held in a field is not. When the
 * lookup may not define lambdas for the query's class (another module that opens its package for reflection
 * only), the method handle is wrapped instead: slower, same result.
 */
final class Accessors {

    private Accessors() {
    }

    @SuppressWarnings("unchecked")
    static ToLongFunction<Object> toLong(MethodHandles.Lookup lookup, MethodHandle getter) {
        Object f = metafactory(lookup, getter, ToLongFunction.class, "applyAsLong",
                MethodType.methodType(long.class, Object.class), getter.type().changeReturnType(long.class));
        if (f != null) {
            return (ToLongFunction<Object>) f;
        }
        MethodHandle h = getter.asType(MethodType.methodType(long.class, Object.class));
        return owner -> {
            try {
                return (long) h.invokeExact(owner);
            } catch (Throwable t) {
                throw Encoder.Component.unreadable(getter.toString(), t);
            }
        };
    }

    @SuppressWarnings("unchecked")
    static ToDoubleFunction<Object> toDouble(MethodHandles.Lookup lookup, MethodHandle getter) {
        Object f = metafactory(lookup, getter, ToDoubleFunction.class, "applyAsDouble",
                MethodType.methodType(double.class, Object.class), getter.type());
        if (f != null) {
            return (ToDoubleFunction<Object>) f;
        }
        MethodHandle h = getter.asType(MethodType.methodType(double.class, Object.class));
        return owner -> {
            try {
                return (double) h.invokeExact(owner);
            } catch (Throwable t) {
                throw Encoder.Component.unreadable(getter.toString(), t);
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Predicate<Object> predicate(MethodHandles.Lookup lookup, MethodHandle getter) {
        Object f = metafactory(lookup, getter, Predicate.class, "test",
                MethodType.methodType(boolean.class, Object.class), getter.type());
        if (f != null) {
            return (Predicate<Object>) f;
        }
        MethodHandle h = getter.asType(MethodType.methodType(boolean.class, Object.class));
        return owner -> {
            try {
                return (boolean) h.invokeExact(owner);
            } catch (Throwable t) {
                throw Encoder.Component.unreadable(getter.toString(), t);
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Function<Object, Object> function(MethodHandles.Lookup lookup, MethodHandle getter) {
        Object f = metafactory(lookup, getter, Function.class, "apply",
                MethodType.methodType(Object.class, Object.class), getter.type());
        if (f != null) {
            return (Function<Object, Object>) f;
        }
        MethodHandle h = getter.asType(MethodType.methodType(Object.class, Object.class));
        return owner -> {
            try {
                return (Object) h.invokeExact(owner);
            } catch (Throwable t) {
                throw Encoder.Component.unreadable(getter.toString(), t);
            }
        };
    }

    /** A lambda implementing {@code iface} by calling {@code getter}, or {@code null} when not allowed. */
    private static Object metafactory(MethodHandles.Lookup lookup, MethodHandle getter, Class<?> iface,
                                      String method, MethodType erased, MethodType instantiated) {
        if (!lookup.hasFullPrivilegeAccess()) {
            return null;
        }
        try {
            return LambdaMetafactory.metafactory(lookup, method, MethodType.methodType(iface), erased, getter,
                    instantiated).getTarget().invoke();
        } catch (Throwable t) {
            return null;
        }
    }
}
