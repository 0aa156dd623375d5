package io.github.landscape4j.trajectory.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: L2 norms of flattened vectors, globally and per parameter tensor, computed on the training thread with
 * as few ND4J calls as possible: one BLAS dot per tensor view (on CPU an order of magnitude cheaper than ND4J's
 * {@code norm2} reduction; cuBLAS on CUDA), the global norm being the root of the summed squares. Work on a
 * background thread was tried and measured worse: it stalls DL4J's OpenMP threads on a 2-core machine.
 *
 * <p>Elementwise ND4J ops are avoided: on a 2-core machine one {@code subi} on 80k floats in the middle of training
 * was measured at ~0.8 ms (it waits for DL4J's OpenMP threads), a copy or a dot at ~25 µs. So update norms are
 * taken from the update DL4J leaves in its gradient buffer, not from a difference of parameters. Views of a buffer
 * are made once and reused. Not thread-safe.
 */
public final class NormRecorder {

    private final List<ParameterTensor> tensors;
    private final Map<DataBuffer, Views> views = new IdentityHashMap<>();
    private INDArray copy;

    public NormRecorder(List<ParameterTensor> tensors) {
        this.tensors = List.copyOf(tensors);
    }

    /** Global norm of {@code flat} times {@code scale}; per-tensor norms times {@code scale} into {@code out}. */
    public double norms(INDArray flat, double scale, double[] out) {
        INDArray[] parts = viewsOf(flat);
        double total = 0;
        for (int i = 0; i < parts.length; i++) {
            double sq = Nd4j.getBlasWrapper().dot(parts[i], parts[i]);
            total += sq;
            out[i] = Math.sqrt(sq) * scale;
        }
        return Math.sqrt(total) * scale;
    }

    /**
     * Norms of DL4J's gradient buffer (times {@code scale}): the raw gradient in {@code onGradientCalculation}, the
     * applied update in {@code iterationDone}. DL4J wraps that buffer in a new object each iteration, so it is first
     * copied into a buffer of ours whose tensor views stay valid: one copy instead of a view per tensor.
     */
    public double copiedNorms(INDArray gradientBuffer, double scale, double[] out) {
        INDArray flat = gradientBuffer.rank() == 1 ? gradientBuffer : gradientBuffer.reshape(gradientBuffer.length());
        if (copy == null || copy.length() != flat.length()) {
            copy = flat.dup();
        } else {
            copy.assign(flat);
        }
        return norms(copy, scale, out);
    }

    /** Global L2 norm of {@code flat} times {@code scale}: one BLAS dot, no copy, no views. */
    public static double norm(INDArray flat, double scale) {
        return Math.sqrt(Nd4j.getBlasWrapper().dot(flat, flat)) * scale;
    }


    /** Tensor views of one flat vector, valid while the vector keeps its buffer, offset and length. */
    private record Views(long offset, long length, INDArray[] parts) {
    }

    /**
     * DL4J hands out a new array object for the same parameter buffer on every {@code params()} call, so views are
     * cached by the buffer, not by the array object: making views costs more than the dots.
     */
    private INDArray[] viewsOf(INDArray flat) {
        Views v = views.get(flat.data());
        if (v == null || v.offset() != flat.offset() || v.length() != flat.length()) {
            if (views.size() > 8) {
                views.clear(); // buffers were replaced (model re-initialised): forget the old views
            }
            INDArray row = flat.rank() == 1 ? flat : flat.reshape(flat.length());
            INDArray[] parts = new INDArray[tensors.size()];
            for (int i = 0; i < parts.length; i++) {
                ParameterTensor t = tensors.get(i);
                parts[i] = row.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
            }
            v = new Views(flat.offset(), flat.length(), parts);
            views.put(flat.data(), v);
        }
        return v.parts();
    }
}
