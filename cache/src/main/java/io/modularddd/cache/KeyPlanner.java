package io.modularddd.cache;

import io.modularddd.cache.Encoder.Component;
import io.modularddd.cache.Encoder.ObjectEncoder;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

/**
 * Builds the {@link KeyPlan} of one query type, once: resolves its components (record components in
 * declaration order, or getters by property name) to method handles, and each declared type to its
 * {@link Encoder}. A type with no stable encoding is refused here, with the path of the component at
 * fault. Also decides whether the type's own {@code equals} is exact enough for the L1 tier's value-keyed
 * fast path (see {@link KeyPlan#valueKeyed}).
 */
final class KeyPlanner {

    private static final Set<Class<?>> TIME_TYPES = Set.of(Instant.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class, OffsetDateTime.class, OffsetTime.class, ZonedDateTime.class, Duration.class,
            Period.class, Year.class, YearMonth.class, MonthDay.class, ZoneOffset.class, ZoneId.class);
    private static final Set<Class<?>> INTEGRAL_BOXES = Set.of(Byte.class, Short.class, Integer.class, Long.class);
    private static final String ALLOWED = "Components may be String, numbers (int, long, double, Integer, "
            + "BigDecimal, ...), boolean, char, enums, UUID, java.time values, records or final classes with "
            + "getters made of these, and List, Set, Map or Optional of these.";

    /** An encoder and whether values that are {@code equals} always encode alike and cannot change. */
    private record Planned(Encoder encoder, boolean exact) {
    }

    /** A component that cannot be encoded, with where and why. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String path, Type type, String reason) {
            super("component '" + path + "' is a " + type.getTypeName() + ", which has no stable encoding ("
                    + reason + ")", null, false, false);
        }

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<Class<?>, ObjectEncoder> objects = new HashMap<>();
    private final Map<Class<?>, Boolean> exactObjects = new HashMap<>();

    private KeyPlanner() {
    }

    /**
     * Plans a query type.
     *
     * @param type the query's class
     * @return the plan, or a refused plan carrying the message
     */
    static KeyPlan plan(Class<?> type) {
        String name = type.getName();
        try {
            if (type.isArray() || type.isPrimitive() || type.isEnum() || type.isInterface() || name.startsWith("java.")
                    || name.startsWith("javax.")) {
                throw new Refusal("it is not a record or a class with getters; make the query a record");
            }
            KeyPlanner planner = new KeyPlanner();
            Planned body = planner.object(type, "", true);
            return KeyPlan.of(type, (ObjectEncoder) body.encoder(), type.isRecord() && body.exact());
        } catch (Refusal r) {
            return KeyPlan.refused(type, "query type " + name + " cannot be cached: " + r.getMessage() + ". "
                    + ALLOWED + " Change the component's type, or do not cache this query type.");
        }
    }

    private Planned planned(Type type, String path) {
        if (type instanceof Class<?> c) {
            return scalarOrObject(c, path);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) {
                Planned e = planned(args[0], path + "[]");
                return new Planned(new Encoder.ListEncoder(e.encoder()), false);
            }
            if (raw == Set.class || raw == SortedSet.class || raw == NavigableSet.class) {
                Planned e = planned(args[0], path + "[]");
                return new Planned(new Encoder.SetEncoder(e.encoder()), false);
            }
            if (raw == Map.class || raw == SortedMap.class || raw == NavigableMap.class) {
                Planned k = planned(args[0], path + "{key}");
                Planned v = planned(args[1], path + "{value}");
                return new Planned(new Encoder.MapEncoder(k.encoder(), v.encoder()), false);
            }
            if (raw == Optional.class) {
                Planned e = planned(args[0], path + "?");
                return new Planned(new Encoder.OptionalEncoder(e.encoder()), e.exact());
            }
            throw new Refusal(path, type, "only List, Set, Map and Optional may be generic; declare the interface, "
                    + "e.g. List<String>, and no generic record types");
        }
        throw new Refusal(path, type, "wildcards, type variables and generic arrays say nothing stable about the "
                + "value; declare a concrete type, e.g. List<String>");
    }

    private Planned scalarOrObject(Class<?> c, String path) {
        if (c == String.class) {
            return new Planned(Encoder.STRING, true);
        }
        if (INTEGRAL_BOXES.contains(c)) {
            return new Planned(Encoder.INTEGRAL, true);
        }
        if (c == Double.class) {
            return new Planned(Encoder.DOUBLE, true);
        }
        if (c == Float.class) {
            return new Planned(Encoder.FLOAT, true);
        }
        if (c == Boolean.class) {
            return new Planned(Encoder.BOOLEAN, true);
        }
        if (c == Character.class) {
            return new Planned(Encoder.CHARACTER, true);
        }
        if (c == BigDecimal.class || c == BigInteger.class) {
            // not final: a subclass's equals could disagree with the encoding, so no value-keyed L1
            return new Planned(Encoder.BIG_NUMBER, false);
        }
        if (c.isEnum() || c == Enum.class) {
            if (c == Enum.class) {
                throw new Refusal(path, c, "declare the enum type itself");
            }
            return new Planned(Encoder.ENUM, true);
        }
        if (c == UUID.class) {
            return new Planned(Encoder.TOKEN, true);
        }
        if (TIME_TYPES.contains(c)) {
            return new Planned(Encoder.QUOTED_TEXT, true);
        }
        if (c.isArray()) {
            throw new Refusal(path, c, "arrays are mutable and compare by identity; use a List");
        }
        if (c.isPrimitive()) {
            throw new Refusal(path, c, "a primitive here is not expected");
        }
        if (c == List.class || c == Set.class || c == Map.class || c == Optional.class || c == SortedSet.class
                || c == NavigableSet.class || c == SortedMap.class || c == NavigableMap.class) {
            throw new Refusal(path, c, "a raw type says nothing about its elements; declare e.g. List<String>");
        }
        String name = c.getName();
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || name.startsWith("java.")
                || name.startsWith("javax.")) {
            throw new Refusal(path, c, c.isInterface() || Modifier.isAbstract(c.getModifiers())
                    ? "an interface or abstract type can hold any class" : "this JDK type is not on the list");
        }
        if (!c.isRecord() && !Modifier.isFinal(c.getModifiers())) {
            throw new Refusal(path, c, "a class that is not final may be subclassed with more state; make it a "
                    + "record or final");
        }
        return object(c, path, false);
    }

    private Planned object(Class<?> c, String path, boolean topLevel) {
        ObjectEncoder known = objects.get(c);
        if (known != null) {
            // a type that contains itself: assume exact while its components are being planned
            return new Planned(known, exactObjects.getOrDefault(c, Boolean.TRUE));
        }
        ObjectEncoder encoder = new ObjectEncoder();
        objects.put(c, encoder);
        MethodHandles.Lookup lookup = lookup(c, path);
        List<Component> components = new ArrayList<>();
        boolean exact = c.isRecord() && RecordEquality.isGenerated(c);
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                String p = topLevel ? rc.getName() : path + "." + rc.getName();
                Planned planned = component(rc.getName(), p, rc.getType(), rc.getGenericType(), lookup,
                        handle(lookup, rc.getAccessor(), p), components);
                exact &= planned.exact();
            }
        } else {
            List<Method> getters = getters(c, path);
            if (getters.isEmpty()) {
                throw new Refusal(path.isEmpty() ? "it has no record components and no public getters (getX(), isX())"
                        : "component '" + path + "' is a " + c.getName() + ", which has no record components and no "
                        + "public getters");
            }
            for (Method getter : getters) {
                String property = property(getter);
                String p = topLevel ? property : path + "." + property;
                component(property, p, getter.getReturnType(), getter.getGenericReturnType(), lookup,
                        handle(lookup, getter, p), components);
            }
            exact = false; // a class's equals is whatever its author wrote
        }
        encoder.components(components.toArray(new Component[0]));
        exactObjects.put(c, exact);
        return new Planned(encoder, exact);
    }

    private Planned component(String name, String path, Class<?> raw, Type generic, MethodHandles.Lookup lookup,
                              MethodHandle getter, List<Component> out) {
        if (raw == long.class || raw == int.class || raw == short.class || raw == byte.class) {
            out.add(new Encoder.IntegralComponent(name, Accessors.toLong(lookup, getter)));
            return new Planned(null, true);
        }
        if (raw == double.class) {
            out.add(new Encoder.DoubleComponent(name, Accessors.toDouble(lookup, getter)));
            return new Planned(null, true);
        }
        if (raw == float.class) {
            out.add(new Encoder.FloatComponent(name, getter.asType(MethodType.methodType(float.class, Object.class))));
            return new Planned(null, true);
        }
        if (raw == boolean.class) {
            out.add(new Encoder.BooleanComponent(name, Accessors.predicate(lookup, getter)));
            return new Planned(null, true);
        }
        if (raw == char.class) {
            out.add(new Encoder.CharComponent(name, getter.asType(MethodType.methodType(char.class, Object.class))));
            return new Planned(null, true);
        }
        Planned planned = planned(generic, path);
        out.add(new Encoder.ReferenceComponent(name, Accessors.function(lookup, getter), planned.encoder()));
        return planned;
    }

    private static MethodHandles.Lookup lookup(Class<?> c, String path) {
        try {
            return MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        } catch (IllegalAccessException | SecurityException e) {
            if (Modifier.isPublic(c.getModifiers())) {
                return MethodHandles.publicLookup();
            }
            throw new Refusal((path.isEmpty() ? "its" : "component '" + path + "' has a type whose")
                    + " components cannot be read (" + e.getMessage() + "); make " + c.getName()
                    + " public, or open its package to io.modularddd.cache");
        }
    }

    private static MethodHandle handle(MethodHandles.Lookup lookup, Method method, String path) {
        try {
            return lookup.unreflect(method);
        } catch (IllegalAccessException e) {
            throw new Refusal("component '" + path + "' cannot be read (" + e.getMessage() + "); make its type "
                    + "public, or open its package to io.modularddd.cache");
        }
    }

    private static List<Method> getters(Class<?> c, String path) {
        Map<String, Method> byProperty = new HashMap<>();
        for (Method m : c.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0 || m.getReturnType() == void.class
                    || m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic()) {
                continue;
            }
            String n = m.getName();
            boolean get = n.startsWith("get") && n.length() > 3;
            boolean is = n.startsWith("is") && n.length() > 2
                    && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class);
            if (!get && !is) {
                continue;
            }
            Method previous = byProperty.put(property(m), m);
            if (previous != null) {
                throw new Refusal("component '" + (path.isEmpty() ? "" : path + ".") + property(m)
                        + "' has two getters, " + previous.getName() + "() and " + m.getName() + "(); keep one");
            }
        }
        List<Method> sorted = new ArrayList<>(byProperty.values());
        sorted.sort(Comparator.comparing(KeyPlanner::property));
        return sorted;
    }

    /** The JavaBeans property name: getURL -> URL, getName -> name, isActive -> active. */
    static String property(Method getter) {
        String n = getter.getName();
        String rest = n.startsWith("get") ? n.substring(3) : n.substring(2);
        if (rest.length() > 1 && Character.isUpperCase(rest.charAt(0)) && Character.isUpperCase(rest.charAt(1))) {
            return rest;
        }
        return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
    }
}
