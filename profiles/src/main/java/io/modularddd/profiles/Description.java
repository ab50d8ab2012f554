package io.modularddd.profiles;

import java.util.Map;

/** Renders {@link ModularDdd#describe()}: profile, settings and their origin, infrastructure, tiers. */
final class Description {

    /** Where a setting's value came from. */
    static final String PRESET = "preset";
    static final String OVERRIDE = "override";
    static final String DEGRADED_OFF = "degraded-off";

    private Description() {
    }

    static String of(Parts p) {
        StringBuilder out = new StringBuilder();
        Profile profile = p.profile;
        out.append("profile: ").append(profile.name()).append(" - ").append(profile.description()).append('\n');
        out.append("settings:\n");
        for (Map.Entry<String, String> s : profile.settings().entrySet()) {
            out.append("  ").append(s.getKey()).append(" = ").append(s.getValue())
                    .append(" (").append(origin(p, s.getKey())).append(")\n");
        }
        out.append("infrastructure:\n");
        out.append("  database: ").append(p.databaseProduct).append(", ")
                .append(p.embedded ? "embedded " : "").append(p.databaseUrl)
                .append(", table ").append(p.jdbc.tableName()).append('\n');
        out.append("  redis: ").append(p.redisUri == null ? "none" : Secrets.maskUrl(p.redisUri)).append('\n');
        out.append("parts:\n");
        out.append("  event store: ").append(p.hot != null
                ? "tiered: Redis hot tier (TTL " + p.hot.ttl().toSeconds() + "s, keys " + p.hot.keyPrefix()
                + ") over the database" : "the database").append('\n');
        out.append("  snapshots: ").append(p.snapshotStrategy).append(", stored in ")
                .append(p.jdbc.tableName()).append("_snapshots")
                .append(p.stats == null ? "" : ", statistics " + (p.stats instanceof AutoCloseable
                        ? "in Redis" : "in this process")).append('\n');
        out.append("  commands: profiling, meters, validation, conflict retry, unit of work; dispatchAsync ")
                .append(p.queue == null ? "inline (sync)" : "to " + p.queueDescription + ", " + p.workers
                        + " worker(s) in this process").append('\n');
        out.append("  query cache:\n");
        for (String tier : p.tierNames) {
            out.append("    ").append(tier).append('\n');
        }
        out.append("  projections: ").append(p.projectionStrategies.isEmpty() ? "none registered"
                : String.join("; ", p.projectionStrategies))
                .append(p.signal == null ? "" : " (woken through Redis pub/sub)").append('\n');
        out.append("  metrics: collector ").append(p.metricsDescription).append(", commands profiled (slow-command log), ")
                .append("meters in a ").append(p.meterRegistry.getClass().getSimpleName());
        return out.toString();
    }

    private static String origin(Parts p, String setting) {
        if (p.degradedOff.contains(setting)) {
            return DEGRADED_OFF;
        }
        return p.requested.isOverridden(setting) ? OVERRIDE : PRESET;
    }
}
