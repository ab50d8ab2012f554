package io.modularddd.cqrs;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the result type a command or query class declares ({@code implements Command<Long>}), once, at
 * registration: through interfaces that extend {@code Command<R>} and superclasses, with their type
 * variables bound along the way.
 */
final class ResultTypes {

    private ResultTypes() {
    }

    /**
     * Returns the type argument {@code type} gives {@code marker} (a one-parameter interface).
     *
     * @param type   the command or query class
     * @param marker {@code Command.class} or {@code Query.class}
     * @return the declared result type: a class, a parameterized type, or a type variable when it cannot
     *         be known at run time; {@code Object.class} when {@code type} implements the raw marker
     */
    static Type declared(Class<?> type, Class<?> marker) {
        Type found = search(type, marker, Map.of());
        return found == null ? Object.class : found;
    }

    /**
     * Returns the class a result must be an instance of, or {@code null} when nothing can be checked.
     *
     * @param declared the declared result type
     * @return the class to check results against, or {@code null}
     */
    static Class<?> checkable(Type declared) {
        if (declared instanceof Class<?> c) {
            return c == Object.class ? null : c;
        }
        if (declared instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return raw;
        }
        return null;
    }

    /**
     * Tells whether a type is known completely at run time (no type variables or wildcards in it), so
     * a cached value can be decoded into it.
     *
     * @param type the type
     * @return {@code true} when it is concrete
     */
    static boolean concrete(Type type) {
        if (type instanceof Class<?>) {
            return true;
        }
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                if (!concrete(arg)) {
                    return false;
                }
            }
            return true;
        }
        if (type instanceof GenericArrayType a) {
            return concrete(a.getGenericComponentType());
        }
        return false; // type variables, wildcards
    }

    private static Type search(Class<?> type, Class<?> marker, Map<TypeVariable<?>, Type> bindings) {
        for (Type parent : type.getGenericInterfaces()) {
            Type found = inspect(parent, marker, bindings);
            if (found != null) {
                return found;
            }
        }
        Type superclass = type.getGenericSuperclass();
        return superclass == null ? null : inspect(superclass, marker, bindings);
    }

    private static Type inspect(Type parent, Class<?> marker, Map<TypeVariable<?>, Type> bindings) {
        if (parent instanceof Class<?> raw) {
            return raw == marker ? Object.class : search(raw, marker, Map.of());
        }
        if (parent instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == marker) {
                return bind(args[0], bindings);
            }
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Map<TypeVariable<?>, Type> next = new HashMap<>();
            for (int i = 0; i < vars.length && i < args.length; i++) {
                next.put(vars[i], bind(args[i], bindings));
            }
            return search(raw, marker, next);
        }
        return null;
    }

    private static Type bind(Type type, Map<TypeVariable<?>, Type> bindings) {
        if (type instanceof TypeVariable<?> v && bindings.containsKey(v)) {
            return bindings.get(v);
        }
        return type;
    }
}
