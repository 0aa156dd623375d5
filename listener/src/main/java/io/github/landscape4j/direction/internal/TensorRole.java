package io.github.landscape4j.direction.internal;

import java.util.Set;

/** Internal: what a DL4J parameter tensor is, from its key ({@code 0_W}, {@code bn_mean}, ...). */
public enum TensorRole {
    WEIGHT, BIAS, BATCHNORM, BATCHNORM_STATISTICS;

    private static final Set<String> BN = Set.of("gamma", "beta");
    private static final Set<String> BN_STATS = Set.of("mean", "var", "log10stdev");
    private static final Set<String> BIASES = Set.of("b", "rb", "bias");

    public static TensorRole of(String paramKey) {
        String suffix = paramKey.substring(paramKey.lastIndexOf('_') + 1);
        if (BN_STATS.contains(suffix)) {
            return BATCHNORM_STATISTICS;
        }
        if (BN.contains(suffix)) {
            return BATCHNORM;
        }
        if (BIASES.contains(suffix)) {
            return BIAS;
        }
        return WEIGHT;
    }
}
