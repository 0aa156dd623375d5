package io.github.landscape4j.engine.shard;

import java.io.Serializable;

/**
 * What a {@link PlaneShard} computed: rows {@code j0 ..} of a plane's grids, {@code [row][i]} as in
 * {@link io.github.landscape4j.store.Surface}; the held-out grids are empty when the plane has none.
 *
 * @param nanos the evaluation's own time (without rebuilding the network), for the cost figures
 */
public record PlaneRows(int task, int j0, double[][] trainLoss, double[][] trainAccuracy, double[][] valLoss,
                        double[][] valAccuracy, long nanos) implements Serializable {
}
