package io.github.landscape4j.direction.internal;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.store.ParameterTensor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * Internal: random directions in parameter space, drawn from the plugin's own seeded generator (never ND4J's global
 * stream, which drives dropout and shuffling) and normalized per {@link Normalization}. Biases and batch-norm
 * gamma/beta get zero unless {@code includeBiasBn}; batch-norm running mean and variance are always zero, as they
 * are statistics, not weights. ND4J array operations only.
 */
public final class Directions {
    private final List<ParameterTensor> tensors;
    private final Normalization normalization;
    private final boolean includeBiasBn;

    public Directions(List<ParameterTensor> tensors, Normalization normalization, boolean includeBiasBn) {
        this.tensors = List.copyOf(tensors);
        this.normalization = normalization;
        this.includeBiasBn = includeBiasBn;
    }

    /** The same directions over every trainable tensor: biases and batch-norm gamma/beta included (never statistics). */
    public Directions allTrainable() {
        return includeBiasBn ? this : new Directions(tensors, normalization, true);
    }

    /** A new direction for parameters {@code params} (rank 1), from {@code rng}. */
    public INDArray random(Random rng, INDArray params) {
        return at(params).random(rng, null);
    }

    /** Normalizes {@code d} in place against {@code params} and zeroes excluded tensors. */
    public void normalize(INDArray d, INDArray params) {
        at(params).normalize(d, null);
    }

    /**
     * Normalization against one parameter vector, for many directions: the norms of {@code params}' filters are
     * computed once (random sharpness normalizes 60 directions against the same centre).
     */
    public At at(INDArray params) {
        return new At(params);
    }

    /** Directions normalized against one parameter vector ({@link #at}); it must not change meanwhile. */
    public final class At {
        private final INDArray params;
        /** Per tensor name: the parameters' norm (a tensor normalized as a whole) or filter norms. */
        private final java.util.Map<String, Double> tensorNorms = new java.util.HashMap<>();
        private final java.util.Map<String, INDArray> filterNorms = new java.util.HashMap<>();

        private At(INDArray params) {
            this.params = params;
        }

        /**
         * A new direction from {@code rng}, normalized; with {@code only} (not null) zero outside that tensor. The
         * draw is the same either way (one Gaussian per parameter), so a direction restricted to a tensor equals the
         * whole direction restricted to it.
         */
        public INDArray random(Random rng, ParameterTensor only) {
            INDArray d = Nd4j.randn(rng, params.length()).castTo(params.dataType());
            normalize(d, only);
            return d;
        }

        /**
         * Normalizes {@code d} in place and zeroes excluded tensors; with {@code only}, normalizes that tensor and
         * zeroes every other (each tensor's normalization depends on that tensor alone).
         */
        public void normalize(INDArray d, ParameterTensor only) {
            if (only != null) {
                restrictTo(d, only);
            }
            for (ParameterTensor t : tensors) {
                if (only != null && !t.name().equals(only.name())) {
                    continue;
                }
                INDArray ds = segment(d, t);
                TensorRole role = TensorRole.of(t);
                if (!moves(role)) {
                    ds.assign(0);
                    continue;
                }
                long[] shape = t.shape();
                if (normalization == Normalization.NONE) {
                    continue;
                }
                if (normalization == Normalization.LAYER || shape.length < 2 || role != TensorRole.WEIGHT) {
                    // biases and vectors have one "filter": the whole tensor (Li et al.'s reference does the same)
                    double dn = ds.norm2Number().doubleValue();
                    double pn = tensorNorms.computeIfAbsent(t.name(),
                            k -> segment(params, t).norm2Number().doubleValue());
                    ds.muli(dn == 0 ? 0 : pn / dn);
                    continue;
                }
                filterNormalize(ds, filterNorms.computeIfAbsent(t.name(), k -> filterNorms(segment(params, t), shape)),
                        shape);
            }
        }
    }

    /** Masks {@code v} in place to the tensors a direction may move (zero elsewhere), without rescaling. */
    public void mask(INDArray v) {
        for (ParameterTensor t : tensors) {
            if (!moves(TensorRole.of(t))) {
                segment(v, t).assign(0);
            }
        }
    }

    /** Whether directions may move tensors of this role (never batch-norm statistics). */
    private boolean moves(TensorRole role) {
        return role == TensorRole.WEIGHT
                || (includeBiasBn && (role == TensorRole.BIAS || role == TensorRole.BATCHNORM));
    }

    /** Zeroes {@code v} in place everywhere outside tensor {@code only} (a per-tensor measure). */
    public static void restrictTo(INDArray v, ParameterTensor only) {
        long from = only.offset();
        long to = from + only.length();
        if (from > 0) { // the parts before and after it, without a copy of the tensor's part
            v.get(NDArrayIndex.interval(0, from)).assign(0);
        }
        if (to < v.length()) {
            v.get(NDArrayIndex.interval(to, v.length())).assign(0);
        }
    }

    /**
     * Per filter: a dense layer's weights are {@code [nIn, nOut]} in DL4J, stored in 'f' order, so filter j (what
     * feeds output unit j) is column j; a convolution's are {@code [nOut, nIn, kH, kW]} in 'c' order, filter j is
     * {@code W[j, ...]}, a row of the {@code [nOut, rest]} matrix. {@code pn}: the parameters' filter norms
     * ({@link #filterNorms}).
     */
    private static void filterNormalize(INDArray ds, INDArray pn, long[] shape) {
        long len = ds.length();
        // work on a contiguous copy: reshaping a view with an offset into the flat vector is not reliable
        INDArray d = ds.dup().reshape(len);
        if (shape.length == 2) {
            INDArray d2 = d.reshape('f', shape[0], shape[1]);
            d2.muliRowVector(pn.div(d2.norm2(0)));
        } else {
            INDArray d2 = d.reshape('c', shape[0], len / shape[0]);
            d2.muliColumnVector(pn.div(d2.norm2(1)));
        }
        ds.assign(d);
    }

    /** The norm of each filter of weight tensor {@code ps} (a view of its flat vector), as {@link #filterNormalize}. */
    private static INDArray filterNorms(INDArray ps, long[] shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) { // kept across scopes
            INDArray p = ps.dup().reshape(ps.length());
            return shape.length == 2 ? p.reshape('f', shape[0], shape[1]).norm2(0)
                    : p.reshape('c', shape[0], ps.length() / shape[0]).norm2(1);
        }
    }

    /** The rank-1 view of tensor {@code t} in flat vector {@code flat}. */
    public static INDArray segment(INDArray flat, ParameterTensor t) {
        return flat.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
    }
}
