package io.modularddd.cache;

import io.modularddd.core.cache.CacheEntry;
import io.modularddd.core.internal.BuilderChecks;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Configures a {@link CaffeineTier}; start with {@link CaffeineTier#builder()}. Every setter validates at
 * once (an {@link IllegalArgumentException} for a bad value, an {@link IllegalStateException} for a
 * setting given twice); {@link #build()} checks that the settings fit together.
 *
 * <p>Size it from the profile: {@code maxEntries(l1_max_entries)} and {@code maxMemoryMb(max_memory_mb)}
 * (the seed's profiles: 100 / 32, 500 / 64, 2,000 / 256, 5,000 / 512). Both limits hold at once.
 */
public final class CaffeineTierBuilder {

    /** The default number of entries: the seed's growth profile. */
    public static final long DEFAULT_MAX_ENTRIES = 500;
    /** The default memory budget in MiB: the seed's growth profile. */
    public static final long DEFAULT_MAX_MEMORY_MB = 64;
    /** The default promotion TTL: the seed's five minutes for L1. */
    public static final Duration DEFAULT_PROMOTION_TTL = Duration.ofMinutes(5);
    /** The default longest load: a ticket older than this is refused. */
    public static final Duration DEFAULT_MAX_LOAD_TIME = Duration.ofSeconds(30);
    /** The largest default value size: 8 MiB (or a sixteenth of the budget, if smaller). */
    public static final int DEFAULT_MAX_VALUE_BYTES_CAP = 8 * 1024 * 1024;

    String name = "l1";
    long maxEntries = DEFAULT_MAX_ENTRIES;
    long maxMemoryMb = DEFAULT_MAX_MEMORY_MB;
    Duration promotionTtl = DEFAULT_PROMOTION_TTL;
    Duration maxLoadTime = DEFAULT_MAX_LOAD_TIME;
    int maxValueBytes = -1;
    Clock clock = Clock.systemUTC();
    Executor executor = ForkJoinPool.commonPool();
    int maxMarks = 100_000;
    private final Set<String> set = new HashSet<>();

    CaffeineTierBuilder() {
    }

    private void once(String setting, Object current) {
        BuilderChecks.setOnce(setting, !set.add(setting), current);
    }

    /**
     * Names the tier in metrics and logs.
     *
     * @param tierName 1 to 32 letters, digits, {@code -} or {@code _}; default {@code l1}
     * @return this builder
     * @throws IllegalArgumentException when invalid
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder name(String tierName) {
        BuilderChecks.notNull("name", tierName);
        if (!tierName.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("name must be 1 to 32 letters, digits, '-' or '_' but was '" + tierName
                    + "'");
        }
        once("name", name);
        this.name = tierName;
        return this;
    }

    /**
     * Bounds the number of entries (the profile's {@code l1_max_entries}).
     *
     * @param entries 1 to 100,000,000; default {@value #DEFAULT_MAX_ENTRIES}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder maxEntries(long entries) {
        BuilderChecks.inRange("maxEntries", entries, 1, 100_000_000);
        once("maxEntries", maxEntries);
        this.maxEntries = entries;
        return this;
    }

    /**
     * Bounds the estimated memory held (the profile's {@code max_memory_mb}).
     *
     * @param megabytes 1 to 1,048,576 MiB; default {@value #DEFAULT_MAX_MEMORY_MB}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder maxMemoryMb(long megabytes) {
        BuilderChecks.inRange("maxMemoryMb", megabytes, 1, 1L << 20);
        once("maxMemoryMb", maxMemoryMb);
        this.maxMemoryMb = megabytes;
        return this;
    }

    /**
     * Sets how long an entry promoted from a lower tier stays (never past its own expiry).
     *
     * @param ttl 1 ms to 7 days; default 5 minutes (the seed's L1 TTL)
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder promotionTtl(Duration ttl) {
        BuilderChecks.inRange("promotionTtl", ttl, Duration.ofMillis(1), Duration.ofDays(7));
        once("promotionTtl", promotionTtl);
        this.promotionTtl = ttl;
        return this;
    }

    /**
     * Sets the longest load whose result may still be stored; invalidations are remembered this long.
     *
     * @param time 1 ms to 1 hour; default 30 seconds
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder maxLoadTime(Duration time) {
        BuilderChecks.inRange("maxLoadTime", time, Duration.ofMillis(1), Duration.ofHours(1));
        once("maxLoadTime", maxLoadTime);
        this.maxLoadTime = time;
        return this;
    }

    /**
     * Sets the largest encoded value the tier stores; its estimated entry must fit the memory budget.
     *
     * @param bytes 1 to 256 MiB; default a sixteenth of the budget, at most 8 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder maxValueBytes(int bytes) {
        BuilderChecks.inRange("maxValueBytes", bytes, 1, 256 * 1024 * 1024);
        once("maxValueBytes", maxValueBytes < 0 ? "the default" : maxValueBytes);
        this.maxValueBytes = bytes;
        return this;
    }

    /**
     * Sets the clock entries expire by; it is read on every hit. Tests pass a controllable one; an
     * application may pass a coarse one (cheaper to read, entries served up to its lag past expiry).
     *
     * @param entryClock default {@link Clock#systemUTC()}
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder clock(Clock entryClock) {
        BuilderChecks.notNull("clock", entryClock);
        once("clock", clock);
        this.clock = entryClock;
        return this;
    }

    /**
     * Sets where Caffeine runs its maintenance (draining its read buffer, evicting), so that a
     * hit does not pay for it.
     *
     * @param maintenance default {@link ForkJoinPool#commonPool()}, as Caffeine's own default;
     *                    {@code Runnable::run} keeps it on the calling threads
     * @return this builder
     * @throws IllegalArgumentException when null
     * @throws IllegalStateException    when set twice
     */
    public CaffeineTierBuilder executor(Executor maintenance) {
        BuilderChecks.notNull("executor", maintenance);
        once("executor", executor.getClass().getName());
        this.executor = maintenance;
        return this;
    }

    /** Bounds the invalidation marks kept (tests lower it). */
    CaffeineTierBuilder maxMarks(int marks) {
        this.maxMarks = BuilderChecks.inRange("maxMarks", marks, 1, 10_000_000);
        return this;
    }

    long maxBytes() {
        return maxMemoryMb * 1024 * 1024;
    }

    /**
     * Builds the tier.
     *
     * @return the tier
     * @throws IllegalStateException when the largest value's estimated entry would not fit the memory budget
     */
    public CaffeineTier build() {
        if (maxValueBytes < 0) {
            maxValueBytes = (int) Math.max(1, Math.min(DEFAULT_MAX_VALUE_BYTES_CAP, maxBytes() / 16));
        }
        long largest = CaffeineTier.ENTRY_OVERHEAD_BYTES + 3L * maxValueBytes + 2L * 65_535 + 500
                + (long) CacheEntry.MAX_TAGS * (2 * CacheEntry.MAX_TAG_CHARS + 96);
        BuilderChecks.noConflict(largest > maxBytes(), "maxValueBytes " + maxValueBytes + " does not fit maxMemoryMb "
                + maxMemoryMb + ": its entry is estimated at up to " + largest + " bytes (value, decoded object, "
                + "keys, tags); lower maxValueBytes or raise maxMemoryMb");
        return new CaffeineTier(this);
    }
}
