package io.modularddd.core.serialization;

import com.fasterxml.jackson.databind.JsonNode;
import io.modularddd.core.SerializationException;
import java.util.List;

/**
 * The composed upcasters from one stored type name to the registered type it ends in, e.g.
 * {@code account.opened.v1 -> account.opened.v2 -> account.opened.v3}. Built once by
 * {@link EventTypeRegistry.Builder#build()}; {@link #apply(JsonNode)} runs its steps in order.
 */
public final class UpcastChain {

    private final String sourceType;
    private final String targetType;
    private final String[] names;
    private final Upcaster[] steps;
    private final String path;

    UpcastChain(List<String> typeNames, List<Upcaster> steps) {
        this.names = typeNames.toArray(new String[0]);
        this.steps = steps.toArray(new Upcaster[0]);
        this.sourceType = names[0];
        this.targetType = names[names.length - 1];
        this.path = String.join(" -> ", typeNames);
    }

    /**
     * Returns the stored type name the chain starts at.
     *
     * @return the old type name
     */
    public String sourceType() {
        return sourceType;
    }

    /**
     * Returns the registered type name the chain ends in: the name events of {@link #sourceType()} are
     * read as.
     *
     * @return the current type name
     */
    public String targetType() {
        return targetType;
    }

    /**
     * Returns how many steps the chain has.
     *
     * @return at least 1
     */
    public int length() {
        return steps.length;
    }

    /**
     * Runs every step on the JSON of one event.
     *
     * @param payload the stored JSON of an event of {@link #sourceType()}
     * @return the JSON in the shape of {@link #targetType()}
     * @throws SerializationException when a step throws or returns {@code null}; the message names the
     *                                step ({@code from -> to}) and the chain
     */
    public JsonNode apply(JsonNode payload) {
        JsonNode json = payload;
        for (int i = 0; i < steps.length; i++) {
            try {
                json = steps[i].upcast(json);
            } catch (RuntimeException e) {
                throw stepFailed(i, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (json == null) {
                throw stepFailed(i, "it returned null", null);
            }
        }
        return json;
    }

    private SerializationException stepFailed(int step, String why, Throwable cause) {
        return new SerializationException(sourceType, "The upcaster step '" + names[step] + "' -> '" + names[step + 1]
                + "' (of the chain " + path + ") failed: " + why + ". Fix the step registered with "
                + "EventTypeRegistry.builder().upcast(\"" + names[step] + "\", \"" + names[step + 1] + "\", ...); "
                + "the stored event is unchanged.", cause);
    }

    @Override
    public String toString() {
        return "UpcastChain[" + path + "]";
    }
}
