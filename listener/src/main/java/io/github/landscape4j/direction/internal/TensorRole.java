package io.github.landscape4j.direction.internal;

import java.util.Set;

/**
 * Internal: what a DL4J parameter tensor is: recorded from the layer's parameter metadata ({@link
 * io.github.landscape4j.store.ParameterTensor#role()}), or for tensors recorded without it, from the key's suffix
 * ({@code 0_W}, {@code bn_mean}, ...).
 */
public enum TensorRole {
    WEIGHT, BIAS, BATCHNORM, BATCHNORM_STATISTICS;

    private static final Set<String> BN = Set.of("gamma", "beta");
    private static final Set<String> BN_STATS = Set.of("mean", "var", "log10stdev");
    private static final Set<String> BIASES = Set.of("b", "rb", "bias");

    /** The tensor's recorded role, or the one its key's suffix names. */
    public static TensorRole of(io.github.landscape4j.store.ParameterTensor t) {
        return t.role() == null ? of(t.name()) : valueOf(t.role().toUpperCase(java.util.Locale.ROOT));
    }

    /** The role DL4J's key suffix names. */
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
