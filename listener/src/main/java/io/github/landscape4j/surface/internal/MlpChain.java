package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Internal: a network as {@link ExactMlp} takes it: a MultiLayerNetwork of dense layers (no layer normalization, no
 * input preprocessors) and an output layer, each with its weight and bias tensors, activation and the activation's
 * curvature, and the output's loss.
 */
record MlpChain(List<MlpChain.Step> steps, MlpChain.Loss loss) {

    /** How an activation bends: {@code σ'' = 0} almost everywhere, or tanh's or the sigmoid's. */
    enum Curve { PIECEWISE_LINEAR, TANH, SIGMOID }

    enum Loss {
        SOFTMAX_CROSS_ENTROPY, MEAN_SQUARED;

        /** {@code ∂L/∂z} of the output's pre-activations {@code z} (softmax outputs {@code p}; null for MSE). */
        org.nd4j.linalg.api.ndarray.INDArray delta(org.nd4j.linalg.api.ndarray.INDArray z,
                                                   org.nd4j.linalg.api.ndarray.INDArray p,
                                                   org.nd4j.linalg.api.ndarray.INDArray y) {
            return this == SOFTMAX_CROSS_ENTROPY ? p.sub(y) : z.sub(y).muli(2.0 / z.size(1));
        }

        /**
         * {@code R(∂L/∂z)} from {@code R(z)}, the loss's second derivative at the centre: {@code P⊙R(z) −
         * P⊙Σ(P⊙R(z))} for softmax with cross-entropy, {@code 2·R(z)/c} for the mean squared error.
         */
        org.nd4j.linalg.api.ndarray.INDArray rDelta(org.nd4j.linalg.api.ndarray.INDArray p,
                                                    org.nd4j.linalg.api.ndarray.INDArray rz) {
            if (this == SOFTMAX_CROSS_ENTROPY) {
                org.nd4j.linalg.api.ndarray.INDArray pr = p.mul(rz);
                return pr.subi(p.mulColumnVector(pr.sum(true, 1)));
            }
            return rz.mul(2.0 / rz.size(1));
        }
    }

    record Step(ParameterTensor w, ParameterTensor b, IActivation activation, Curve curve) {
    }

    /** The chain of {@code model}, when it is a plain MLP {@link ExactMlp} covers. */
    static Optional<MlpChain> of(Model model) {
        if (!(model instanceof MultiLayerNetwork net) || net.getnLayers() < 1) {
            return Optional.empty();
        }
        Optional<List<DenseTail.Step>> layers = DenseTail.layers(net, Models.tensors(net), 0);
        if (layers.isEmpty()) {
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        for (DenseTail.Step l : layers.get()) {
            Curve curve = steps.size() == layers.get().size() - 1 ? Curve.PIECEWISE_LINEAR : curveOf(l.activation());
            if (curve == null) {
                return Optional.empty();
            }
            steps.add(new Step(l.w(), l.b(), l.activation(), curve));
        }
        Step last = steps.get(steps.size() - 1);
        Loss loss = lossOf(last.activation(),
                ((OutputLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer()).getLossFn());
        return loss == null ? Optional.empty() : Optional.of(new MlpChain(List.copyOf(steps), loss));
    }

    static Loss lossOf(IActivation activation, ILossFunction fn) {
        if (activation instanceof ActivationSoftmax && (fn.getClass() == LossMCXENT.class
                || fn.getClass() == LossNegativeLogLikelihood.class) && ((LossMCXENT) fn).getWeights() == null) {
            return Loss.SOFTMAX_CROSS_ENTROPY;
        }
        if (activation instanceof ActivationIdentity && fn.getClass() == LossMSE.class
                && ((LossMSE) fn).getWeights() == null) {
            return Loss.MEAN_SQUARED;
        }
        return null;
    }

    static Curve curveOf(IActivation a) {
        if (a instanceof ActivationIdentity || a instanceof ActivationReLU || a instanceof ActivationLReLU
                || a instanceof ActivationReLU6 || a instanceof ActivationHardTanH) {
            return Curve.PIECEWISE_LINEAR;
        }
        if (a instanceof ActivationTanH) {
            return Curve.TANH;
        }
        if (a instanceof ActivationSigmoid) {
            return Curve.SIGMOID;
        }
        return null;
    }

}
