package io.github.landscape4j.store.internal;

/**
 * Internal: the scalars of one recorded iteration; per-tensor arrays follow the run's tensor order.
 */
public record IterationRow(long iteration, int epoch, long wallMillis, double score, double learningRate,
                           double gradientNorm, double updateNorm, double weightNorm,
                           double[] gradientNormByTensor, double[] updateNormByTensor, double[] weightNormByTensor) {
}
