package io.github.landscape4j.surface.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Internal: the probe loss at {@code θ + ε·d_k} for several directions that move only the weights of one layer
 * {@code m >= 1} of an MLP (dense layers and an {@link OutputLayer} from {@code m} on): the layers before {@code m}
 * do not move, so their output on the probe is computed once, layer {@code m} is one matrix product with the
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
    private final List<ParameterTensor> weights = new ArrayList<>();
    private final List<ParameterTensor> biases = new ArrayList<>();

    private TensorPerturbations(ProbeModel model, MultiLayerNetwork net, int layer, List<ParameterTensor> tensors) {
        this.model = model;
        this.net = net;
        this.layer = layer;
        for (int i = layer; i < net.getnLayers(); i++) {
            weights.add(find(tensors, i + "_W"));
            biases.add(find(tensors, i + "_b"));
        }
    }

    /** The batched path for directions that move only {@code only}, when the network allows it. */
    public static Optional<TensorPerturbations> of(ProbeModel model, List<ParameterTensor> tensors,
                                                   ParameterTensor only) {
        if (!(model.network() instanceof MultiLayerNetwork net) || !only.name().matches("\\d+_W")
                || only.shape().length != 2) {
            return Optional.empty();
        }
        int m = Integer.parseInt(only.name().substring(0, only.name().indexOf('_')));
        if (m < 1) {
            return Optional.empty();
        }
        for (int i = m; i < net.getnLayers(); i++) {
            Object conf = net.getLayer(i).conf().getLayer();
            boolean last = i == net.getnLayers() - 1;
            boolean ok = (conf instanceof DenseLayer d && !d.hasLayerNorm() && !last) || (conf instanceof OutputLayer
                    && last);
            ParameterTensor w = find(tensors, i + "_W");
            if (!ok || net.getLayerWiseConfigurations().getInputPreProcess(i) != null || w == null
                    || w.shape().length != 2) {
                return Optional.empty();
            }
        }
        return Optional.of(new TensorPerturbations(model, net, m, tensors));
    }

    private static ParameterTensor find(List<ParameterTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Probe losses at {@code theta + eps·d} for each direction (each zero outside the tensor this path was made
     * for). Leaves {@code theta} in the copy.
     */
    public double[] losses(INDArray theta, List<INDArray> directions, double eps, Probe probe) {
        model.load(theta);
        INDArray flat = model.params();
        INDArray in = layer == 0 ? probe.features()[0]
                : net.feedForwardToLayer(layer - 1, probe.features()[0], false).get(layer);
        long n = in.size(0);
        ParameterTensor w = weights.get(0);
        long[] shape = w.shape();
        long widest = weights.stream().mapToLong(t -> t.shape()[1]).max().orElse(1);
        int chunk = (int) Math.max(1, Math.min(directions.size(), BATCH_VALUES / (n * widest)));
        INDArray base = matrix(flat, w);
        double[] out = new double[directions.size()];
        for (int from = 0; from < directions.size(); from += chunk) {
            int k = Math.min(chunk, directions.size() - from);
            INDArray[] blocks = new INDArray[k];
            for (int i = 0; i < k; i++) {
                blocks[i] = matrix(directions.get(from + i), w).muli(eps).addi(base);
            }
            INDArray z = in.castTo(base.dataType()).mmul(Nd4j.hstack(blocks)); // [n, k·nOut]
            INDArray act = z.reshape(n, k, shape[1]).permute(1, 0, 2).dup('c').reshape(k * n, shape[1]);
            act = finish(act, 0, flat);
            for (int l = 1; l < weights.size(); l++) {
                act = finish(act.mmul(matrix(flat, weights.get(l))), l, flat);
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

    /** Adds step {@code l}'s bias (unperturbed) and applies its activation. */
    private INDArray finish(INDArray z, int l, INDArray flat) {
        ParameterTensor b = biases.get(l);
        if (b != null) {
            z.addiRowVector(Directions.segment(flat, b).dup().reshape(1, b.length()));
        }
        return ((BaseLayer) net.getLayer(layer + l).conf().getLayer()).getActivationFn().getActivation(z, false);
    }

    /** A contiguous {@code [nIn, nOut]} copy of a dense weight tensor of a flat vector (DL4J's 'f' order). */
    private static INDArray matrix(INDArray flat, ParameterTensor w) {
        return Directions.segment(flat, w).dup().reshape('f', w.shape()[0], w.shape()[1]);
    }
}
