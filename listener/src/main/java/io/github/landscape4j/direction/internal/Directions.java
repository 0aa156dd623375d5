package io.github.landscape4j.direction.internal;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.store.ParameterTensor;
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
        INDArray d = Nd4j.randn(rng, params.length()).castTo(params.dataType());
        normalize(d, params);
        return d;
    }

    /** Normalizes {@code d} in place against {@code params} and zeroes excluded tensors. */
    public void normalize(INDArray d, INDArray params) {
        for (ParameterTensor t : tensors) {
            INDArray ds = segment(d, t);
            TensorRole role = TensorRole.of(t);
            if (!moves(role)) {
                ds.assign(0);
                continue;
            }
            INDArray ps = segment(params, t);
            long[] shape = t.shape();
            if (normalization == Normalization.NONE) {
                continue;
            }
            if (normalization == Normalization.LAYER || shape.length < 2 || role != TensorRole.WEIGHT) {
                // biases and vectors have one "filter": the whole tensor (Li et al.'s reference does the same)
                double dn = ds.norm2Number().doubleValue();
                ds.muli(dn == 0 ? 0 : ps.norm2Number().doubleValue() / dn);
                continue;
            }
            filterNormalize(ds, ps, shape);
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
     * {@code W[j, ...]}, a row of the {@code [nOut, rest]} matrix.
     */
    private static void filterNormalize(INDArray ds, INDArray ps, long[] shape) {
        long len = ds.length();
        // work on contiguous copies: reshaping a view with an offset into the flat vector is not reliable
        INDArray d = ds.dup().reshape(len);
        INDArray p = ps.dup().reshape(len);
        INDArray scaled;
        if (shape.length == 2) {
            INDArray d2 = d.reshape('f', shape[0], shape[1]);
            INDArray p2 = p.reshape('f', shape[0], shape[1]);
            scaled = Nd4j.toFlattened('f', d2.mulRowVector(p2.norm2(0).divi(d2.norm2(0))));
        } else {
            long rest = len / shape[0];
            INDArray d2 = d.reshape('c', shape[0], rest);
            INDArray p2 = p.reshape('c', shape[0], rest);
            scaled = Nd4j.toFlattened('c', d2.mulColumnVector(p2.norm2(1).divi(d2.norm2(1))));
        }
        ds.assign(scaled.reshape(ds.shape()));
    }

    /** The rank-1 view of tensor {@code t} in flat vector {@code flat}. */
    public static INDArray segment(INDArray flat, ParameterTensor t) {
        return flat.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
    }
}
