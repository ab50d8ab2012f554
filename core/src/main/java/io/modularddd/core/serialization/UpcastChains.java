package io.modularddd.core.serialization;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Composes the upcaster steps of a registry into one chain per stored type name, refusing bad graphs. */
final class UpcastChains {

    /** One registered step. */
    record Step(String from, String to, Upcaster upcaster) {
    }

    private UpcastChains() {
    }

    /**
     * Follows every step to the registered name it ends in.
     *
     * @param steps       the steps, by source name
     * @param classByName the registered names (and aliases)
     * @return the chains, by source name
     * @throws IllegalStateException for a cycle, a chain ending in an unregistered name, or a source that
     *                               is registered for a class
     */
    static Map<String, UpcastChain> compose(Map<String, Step> steps, Map<String, Class<?>> classByName) {
        Map<String, UpcastChain> chains = new HashMap<>();
        for (String source : steps.keySet()) {
            if (classByName.containsKey(source)) {
                throw new IllegalStateException("'" + source + "' is registered for " + classByName.get(source).getName()
                        + " and is also the source of an upcaster step to '" + steps.get(source).to() + "'; a stored "
                        + "type name is either read into its class or upcast, not both. Remove one of the two.");
            }
            Set<String> path = new LinkedHashSet<>();
            List<Upcaster> upcasters = new ArrayList<>();
            String name = source;
            while (steps.containsKey(name)) {
                if (!path.add(name)) {
                    throw new IllegalStateException("the upcaster steps form a cycle: " + String.join(" -> ", path)
                            + " -> " + name + "; every chain must end in a registered type name.");
                }
                Step step = steps.get(name);
                upcasters.add(step.upcaster());
                name = step.to();
            }
            path.add(name);
            if (!classByName.containsKey(name)) {
                throw new IllegalStateException("the upcaster chain " + String.join(" -> ", path) + " ends in '" + name
                        + "', which is not registered: register(\"" + name + "\", TheEventClass.class), or add a step "
                        + "from '" + name + "' to a registered name.");
            }
            chains.put(source, new UpcastChain(new ArrayList<>(path), upcasters));
        }
        return Map.copyOf(chains);
    }
}
