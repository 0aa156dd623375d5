package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Optional;

/**
 * Internal: the probe loss at {@code θ + ε·d_k} for several directions that move only the weights of one layer
 * {@code m >= 1} of an MLP (dense layers and an output layer from {@code m} on, as {@link DenseTail} takes them):
 * the layers before {@code m} do not move, so their output on the probe is computed once, layer {@code m} is one
 * matrix product with the
 * {@code k} perturbed weight matrices side by side, and the layers after it one product each for all {@code k}
 * points stacked. A per-tensor random sharpness then costs about one forward for all its directions instead of
 * one each. The numbers are those of a forward per point up to float rounding.
 */
public final class TensorPerturbations {
    /** Values a batch of points may hold at once (floats of the widest layer's activations): 64 MB. */
    private static final long BATCH_VALUES = 16L << 20;

    private final ProbeModel model;
    private final MultiLayerNetwork net;
    private final int layer;
    /** Layers {@code layer..}, at offsets of the whole flat vector. */
    private final DenseTail tail;

    private TensorPerturbations(ProbeModel model, MultiLayerNetwork net, int layer, DenseTail tail) {
        this.model = model;
        this.net = net;
        this.layer = layer;
        this.tail = tail;
    }

    /** The batched path for directions that move only {@code only}, when the network allows it. */
    public static Optional<TensorPerturbations> of(ProbeModel model, List<ParameterTensor> tensors,
                                                   ParameterTensor only) {
        if (!(model.network() instanceof MultiLayerNetwork net) || !only.name().matches("\\d+_W")) {
            return Optional.empty();
        }
        int m = Integer.parseInt(only.name().substring(0, only.name().indexOf('_')));
        if (m < 1) {
            return Optional.empty();
        }
        return DenseTail.from(net, tensors, m, 0).map(t -> new TensorPerturbations(model, net, m, t));
    }

    /**
     * Probe losses at {@code theta + eps·d} for each direction (each zero outside the tensor this path was made
     * for). Leaves {@code theta} in the copy.
     */
    public double[] losses(INDArray theta, List<INDArray> directions, double eps, Probe probe) {
        model.load(theta);
        INDArray flat = model.params();
        INDArray in = net.feedForwardToLayer(layer - 1, probe.features()[0], false).get(layer);
        long n = in.size(0);
        ParameterTensor w = tail.weights(0);
        long nOut = w.shape()[1];
        int chunk = (int) Math.max(1, Math.min(directions.size(), BATCH_VALUES / (n * tail.widest())));
        INDArray base = tail.matrix(flat, w);
        double[] out = new double[directions.size()];
        for (int from = 0; from < directions.size(); from += chunk) {
            int k = Math.min(chunk, directions.size() - from);
            INDArray[] blocks = new INDArray[k];
            for (int i = 0; i < k; i++) {
                blocks[i] = tail.matrix(directions.get(from + i), w).muli(eps).addi(base);
            }
            INDArray z = in.castTo(base.dataType()).mmul(Nd4j.hstack(blocks)); // [n, k·nOut]
            INDArray act = tail.finish(z.reshape(n, k, nOut).permute(1, 0, 2).dup('c').reshape(k * n, nOut), 0,
                    flat);
            for (int l = 1; l < tail.size(); l++) {
                act = tail.finish(act.mmul(tail.matrix(flat, tail.weights(l))), l, flat);
            }
            ProbeModel.Row row = model.row(probe, k);
            row.addAll(act, k);
            Evaluation[] e = row.finish();
            for (int i = 0; i < k; i++) {
                out[from + i] = e[i].loss();
            }
        }
        return out;
    }
}
