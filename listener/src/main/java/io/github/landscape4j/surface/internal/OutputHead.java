package io.github.landscape4j.surface.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Internal: the dense output layer of {@link ExactChain} and {@link ExactGraph} ({@code z = a·W + b} with the losses of
 * {@link MlpChain}), its gradient at a centre and its part of the R-operator: {@code R(z) = a·V + v_b + R(a)·W},
 * {@code R(g_W) = aᵀ·R(δ) + R(a)ᵀ·δ}, and the R-error of its input {@code R(δ)·Wᵀ + δ·Vᵀ}; its input preprocessor
 * (a reshape) applied on the way in and out.
 */
final class OutputHead {
    private final ParameterTensor w;
    private final ParameterTensor b;
    private final MlpChain.Loss loss;
    private final IActivation activation;
    private final InputPreProcessor pre;

    /** The output layer's weights {@code w}, bias {@code b} (null: none), loss, activation and preprocessor (or null). */
    OutputHead(ParameterTensor w, ParameterTensor b, MlpChain.Loss loss, IActivation activation,
               InputPreProcessor pre) {
        this.w = w;
        this.b = b;
        this.loss = loss;
        this.activation = activation;
        this.pre = pre;
    }

    /**
     * The output layer {@code name} of a network with parameter tensors {@code tensors} (its {@code _W} and, if it
     * has one, {@code _b}).
     */
    static OutputHead of(java.util.List<ParameterTensor> tensors, String name, MlpChain.Loss loss,
                         IActivation activation, InputPreProcessor pre) {
        ParameterTensor w = tensor(tensors, name + "_W");
        if (w == null) {
            throw new IllegalStateException("no weights " + name + "_W among the network's parameters");
        }
        return new OutputHead(w, tensor(tensors, name + "_b"), loss, activation, pre);
    }

    /** The tensor named {@code name}, or null. */
    static ParameterTensor tensor(java.util.List<ParameterTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * At the centre: {@code input} after the preprocessor, the softmax outputs (null for the mean squared error), the
     * error {@code ∂L/∂z}, and the error of the last hidden output ({@code up}).
     */
    record Forward(INDArray input, INDArray probabilities, INDArray delta, INDArray up) {
    }

    /** The forward and backward at {@code flat} for the last hidden output {@code a}; the layer's gradient into {@code g}. */
    Forward forward(INDArray flat, INDArray a, INDArray y, INDArray g, long batch, LayerWorkspaceMgr mgr) {
        INDArray in = pre == null ? a : pre.preProcess(a, (int) batch, mgr);
        INDArray z = Nd4j.gemm(in, DenseTail.matrix(flat, w, 0), false, false);
        if (b != null) {
            z.addiRowVector(DenseTail.vector(flat, b, 0));
        }
        INDArray p = loss == MlpChain.Loss.SOFTMAX_CROSS_ENTROPY ? activation.getActivation(z.dup(), false) : null;
        INDArray delta = loss.delta(z, p, y);
        ExactMlp.put(g, w, Nd4j.gemm(in, delta, true, false));
        if (b != null) {
            ExactMlp.put(g, b, delta.sum(0));
        }
        INDArray up = Nd4j.gemm(delta, DenseTail.matrix(flat, w, 0), false, true);
        return new Forward(in, p, delta, pre == null ? up : pre.backprop(up, (int) batch, mgr));
    }

    /**
     * Its part of {@code H·v} at centre {@code c} (parameters {@code flat}) for direction {@code v}: the layer's block
     * into {@code hv}, given {@code r}, the R of the last hidden output (null: zero); {@code moves}: whether {@code v}
     * is non-zero in this layer. Returns the R-error of the last hidden output, or null when {@code up} is false.
     */
    INDArray product(Forward c, INDArray flat, INDArray v, INDArray r, boolean moves, INDArray hv, boolean up,
                     long batch, LayerWorkspaceMgr mgr) {
        INDArray rIn = r == null || pre == null ? r : pre.preProcess(r, (int) batch, mgr);
        INDArray vw = DenseTail.matrix(v, w, 0);
        INDArray cw = DenseTail.matrix(flat, w, 0);
        INDArray rz = moves ? Nd4j.gemm(c.input(), vw, false, false)
                : Nd4j.zeros(c.input().dataType(), c.input().size(0), cw.size(1));
        if (rIn != null) {
            rz.addi(Nd4j.gemm(rIn, cw, false, false));
        }
        if (b != null && moves) {
            rz.addiRowVector(DenseTail.vector(v, b, 0));
        }
        INDArray rDelta = loss.rDelta(c.probabilities(), rz);
        INDArray gw = Nd4j.gemm(c.input(), rDelta, true, false);
        if (rIn != null) {
            gw.addi(Nd4j.gemm(rIn, c.delta(), true, false));
        }
        ExactMlp.put(hv, w, gw);
        if (b != null) {
            ExactMlp.put(hv, b, rDelta.sum(0));
        }
        if (!up) {
            return null;
        }
        INDArray rUp = Nd4j.gemm(rDelta, cw, false, true);
        if (moves) {
            rUp.addi(Nd4j.gemm(c.delta(), vw, false, true));
        }
        return pre == null ? rUp : pre.backprop(rUp, (int) batch, mgr);
    }
}
