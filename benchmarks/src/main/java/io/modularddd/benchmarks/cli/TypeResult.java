package io.modularddd.benchmarks.cli;

import java.util.List;
import java.util.Optional;

/**
 * The result of one workload type under one profile.
 *
 * @param type      the type's label ({@code command}, {@code query}, {@code event}, {@code mixed})
 * @param parts     each part's statistics, in the workload's order (parts that ran no operation are left out)
 * @param all       every operation of the run together (the same as the one part when there is only one)
 * @param wallNanos the wall-clock time of the measured phase
 * @param lag       the projection lag, for workloads that run a projection
 * @param notes     facts about the run worth printing (e.g. how many planned cache misses did load)
 */
record TypeResult(String type, List<LatencyStats> parts, LatencyStats all, long wallNanos,
                  Optional<ProjectionLag> lag, List<String> notes) {
}
