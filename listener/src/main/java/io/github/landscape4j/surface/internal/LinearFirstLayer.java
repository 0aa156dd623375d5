package io.github.landscape4j.surface.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Optional;

/**
 * Internal: the work shared across one plane (SCIENCE.md): a dense first layer computes {@code X·W}, linear in
 * {@code W}, so over a plane {@code X·(W0 + a·D1 + b·D2) = XW0 + a·XD1 + b·XD2}: three products per plane and
 * probe instead of one per point. Each point then costs two axpys on the first layer's pre-activations, its bias
 * and activation, and a forward pass through the remaining layers (inference mode, on the private copy).
 * Applies to a MultiLayerNetwork whose first layer is a {@link DenseLayer} without layer normalization or input
 * preprocessor.
 */
public final class LinearFirstLayer {
    private final MultiLayerNetwork net;
    private final ParameterTensor weights;
    private final ParameterTensor bias;
    private final DenseLayer first;

    private LinearFirstLayer(MultiLayerNetwork net, ParameterTensor weights, ParameterTensor bias, DenseLayer first) {
        this.net = net;
        this.weights = weights;
        this.bias = bias;
        this.first = first;
    }

    /** The shared-work path for this copy, when its first layer allows it. */
    public static Optional<LinearFirstLayer> of(ProbeModel model, List<ParameterTensor> tensors) {
        if (!(model.network() instanceof MultiLayerNetwork net) || net.getnLayers() < 2
                || !(net.getLayer(0).conf().getLayer() instanceof DenseLayer dense) || dense.hasLayerNorm()
                || net.getLayerWiseConfigurations().getInputPreProcess(0) != null) {
            return Optional.empty();
        }
        ParameterTensor w = tensors.stream().filter(t -> t.name().equals("0_W")).findFirst().orElse(null);
        ParameterTensor b = tensors.stream().filter(t -> t.name().equals("0_b")).findFirst().orElse(null);
        if (w == null || w.shape().length != 2) {
            return Optional.empty();
        }
        return Optional.of(new LinearFirstLayer(net, w, b, dense));
    }

    /** The three products of one plane for one probe: {@code XW0, XD1, XD2}. */
    public INDArray[] products(INDArray theta, INDArray d1, INDArray d2, Probe probe) {
        INDArray x = probe.features()[0].castTo(theta.dataType());
        return new INDArray[]{x.mmul(matrix(theta)), x.mmul(matrix(d1)), x.mmul(matrix(d2))};
    }

    /**
     * Network outputs at {@code θ + a·d1 + b·d2}, given the plane's products; {@code params} must already hold
     * {@code θ + a·d1 + b·d2} (it supplies the first layer's bias and every later layer's parameters).
     */
    public INDArray[] outputs(INDArray[] products, double a, double b, INDArray params) {
        INDArray z = products[0].dup();
        Nd4j.getBlasWrapper().level1().axpy(z.length(), a, products[1], z);
        Nd4j.getBlasWrapper().level1().axpy(z.length(), b, products[2], z);
        if (bias != null) {
            z.addiRowVector(Directions.segment(params, bias).reshape(1, bias.length()));
        }
        INDArray act = first.getActivationFn().getActivation(z, false);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        long batch = act.size(0);
        for (int i = 1; i < net.getnLayers(); i++) {
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null) {
                act = pre.preProcess(act, (int) batch, mgr);
            }
            Layer layer = net.getLayer(i);
            act = layer.activate(act, false, mgr);
        }
        return new INDArray[]{act};
    }

    /** The first layer's weights in a flat vector, as the {@code [nIn, nOut]} matrix DL4J keeps in 'f' order. */
    private INDArray matrix(INDArray flat) {
        long[] s = weights.shape();
        return Directions.segment(flat, weights).dup().reshape('f', s[0], s[1]);
    }
}
