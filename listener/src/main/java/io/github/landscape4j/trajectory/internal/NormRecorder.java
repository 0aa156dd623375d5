package io.github.landscape4j.trajectory.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: L2 norms of flattened vectors, globally and per parameter tensor, with ND4J reductions only. Per-tensor
 * views of a buffer are made once per buffer and reused, since DL4J keeps its flattened parameter and gradient
 * buffers for the life of the model. Also keeps the copy of the parameters at the previous recorded row, from
 * which update norms are taken. Not thread-safe: one per run, used on the training thread.
 */
public final class NormRecorder {

    private final List<ParameterTensor> tensors;
    private final boolean perTensor;
    private final Map<INDArray, INDArray[]> views = new IdentityHashMap<>();
    private INDArray previous;
    private INDArray difference;

    public NormRecorder(List<ParameterTensor> tensors, boolean perTensor) {
        this.tensors = List.copyOf(tensors);
        this.perTensor = perTensor;
    }

    /** Global norm of {@code flat} scaled by {@code scale}, and per-tensor norms into {@code out} when enabled. */
    public double norms(INDArray flat, double scale, double[] out) {
        if (perTensor) {
            INDArray[] parts = viewsOf(flat);
            for (int i = 0; i < parts.length; i++) {
                out[i] = parts[i].norm2Number().doubleValue() * scale;
            }
        }
        return flat.norm2Number().doubleValue() * scale;
    }

    /**
     * Norm of the change of {@code params} since the previous call (NaN on the first), per tensor into {@code out};
     * then remembers {@code params}.
     */
    public double updateNorms(INDArray params, double[] out) {
        if (previous == null || previous.length() != params.length()) {
            previous = params.dup();
            difference = params.dup();
            java.util.Arrays.fill(out, Double.NaN);
            return Double.NaN;
        }
        difference.assign(params).subi(previous);
        previous.assign(params);
        return norms(difference, 1.0, out);
    }

    /** Number of tensors. */
    public int tensorCount() {
        return tensors.size();
    }

    private INDArray[] viewsOf(INDArray flat) {
        INDArray[] v = views.get(flat);
        if (v == null) {
            if (views.size() > 8) {
                views.clear(); // buffers were replaced (model re-initialised): forget the old views
            }
            INDArray row = flat.reshape(flat.length());
            v = new INDArray[tensors.size()];
            for (int i = 0; i < v.length; i++) {
                ParameterTensor t = tensors.get(i);
                v[i] = row.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
            }
            views.put(flat, v);
        }
        return v;
    }
}
