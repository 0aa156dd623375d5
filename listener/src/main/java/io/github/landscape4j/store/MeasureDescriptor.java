package io.github.landscape4j.store;

/**
 * What one scalar measure of a snapshot is, so that a page, a CSV or a study can label it without a list of its own.
 *
 * @param key         its key in {@link Snapshot#measures()}
 * @param label       a short human label ("ε-sharpness")
 * @param unit        the unit of its values: {@code loss} (the model's own loss, nats for cross-entropy), {@code %},
 *                    {@code fraction}, {@code loss/θ²} (curvature), {@code loss/θ} (gradient), {@code count},
 *                    {@code flag}, {@code ratio}
 * @param group       the panel it belongs on: measures of one group share one unit and one axis
 * @param paper       the paper whose definition it follows, or {@code ""} for plain probe statistics
 * @param scope       which parameters it covers: {@code all} (every trainable parameter), {@code weights} (the
 *                    weights-only block, or what the run's directions move), {@code none} (no perturbation)
 * @param errorKey    key of its standard error in the same snapshot, or {@code ""} when it has none
 * @param description one sentence of what it is
 */
public record MeasureDescriptor(String key, String label, String unit, String group, String paper, String scope,
                                String errorKey, String description) {
}
