package io.github.landscape4j.surface.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Optional;

/**
 * Internal: the exact gradient and exact Hessian-vector products of the probe loss of a plain MLP (dense layers and
 * an output layer, as {@link DenseTail} takes them), written out in ND4J array operations instead of DL4J's
 * backpropagation, which has no second derivatives. The product is Pearlmutter's R-operator (Pearlmutter, "Fast
 * exact multiplication by the Hessian", Neural Computation 1994), what autograd's double backward computes in
 * PyHessian: a forward pass of the directional derivatives {@code R(Z_l) = A_{l-1}·V_l + R(A_{l-1})·W_l + v_l},
 * {@code R(A_l) = σ'(Z_l)⊙R(Z_l)}, then a backward pass {@code R(G_l) = R(A_{l-1})ᵀ·δ_l + A_{l-1}ᵀ·R(δ_l)},
 * {@code R(δ_{l-1}) = (R(δ_l)·W_lᵀ + δ_l·V_lᵀ)⊙σ'(Z_{l-1}) + (δ_l·W_lᵀ)⊙σ''(Z_{l-1})⊙R(Z_{l-1})}, with the loss's
 * own second derivative at the output ({@code R(δ_L) = P⊙R(Z_L) − P⊙Σ(P⊙R(Z_L))} for softmax with cross-entropy,
 * {@code 2·R(Z_L)/c} for the mean squared error). The centre's activations and deltas are kept, so a product
 * costs two products with the probe's inputs ({@code X·V_1} and {@code Xᵀ·R(δ_1)}) against the three of a DL4J
 * gradient (whose first layer also propagates an error to the input), and it is exact, not a finite difference.
 *
 * <p>Taken where every hidden activation's second derivative is known here (identity, ReLU, leaky ReLU, ReLU6 and
 * hard tanh are piecewise linear: {@code σ'' = 0}; tanh; sigmoid) and the output is softmax with unweighted
 * cross-entropy or negative log-likelihood, or identity with unweighted mean squared error; {@code σ'} is the
 * activation's own backpropagation, so kinks are treated as DL4J treats them. Other networks use DL4J's gradient
 * and finite differences. Quantities are sums over the probe's examples, as DL4J's raw gradient.
 */
final class ExactMlp {
    private final List<MlpChain.Step> steps;
    private final MlpChain.Loss loss;
    private final long length;
    private final Scratch scratch = new Scratch("exact");

    /**
     * One centre: its gradient, and per layer its input activations, weights, σ', σ'' (null: zero) and delta, which
     * its Hessian-vector products reuse.
     */
    final class Centre implements Curvature.Centre {
        private final INDArray gradient;
        private final INDArray[] inputs;
        private final INDArray[] weights;
        private final INDArray[] slopes;
        private final INDArray[] bends;
        private final INDArray[] deltas;
        private final INDArray probabilities;

        private Centre(INDArray gradient, INDArray[] inputs, INDArray[] weights, INDArray[] slopes, INDArray[] bends,
                       INDArray[] deltas, INDArray probabilities) {
            this.gradient = gradient;
            this.inputs = inputs;
            this.weights = weights;
            this.slopes = slopes;
            this.bends = bends;
            this.deltas = deltas;
            this.probabilities = probabilities;
        }

        /** The gradient (summed over examples) at the centre; do not modify it. */
        @Override
        public INDArray gradient() {
            return gradient;
        }

        /**
         * The exact {@code H·v} (summed over examples) at the centre, as a new flat array; with {@code only} given,
         * {@code v} must be zero outside that tensor and only that tensor's part of the product is computed (the
         * rest is zero).
         */
        @Override
        public INDArray hvp(INDArray v, ParameterTensor only) {
            INDArray hv = outside(v.dataType(), length);
            try (MemoryWorkspace ignored = scratch.open()) {
                product(this, v.reshape(v.length()), only, hv);
            }
            return hv;
        }
    }

    private ExactMlp(List<MlpChain.Step> steps, MlpChain.Loss loss, long length) {
        this.steps = steps;
        this.loss = loss;
        this.length = length;
    }

    /** The exact path of {@code model}, when it is a plain MLP this class covers ({@link MlpChain}). */
    static Optional<ExactMlp> of(Model model) {
        return MlpChain.of(model).map(c -> new ExactMlp(c.steps(), c.loss(), model.params().length()));
    }

    /**
     * The gradient (summed over examples) at {@code params} on inputs {@code x} and labels {@code y} (the params'
     * data type), as a new flat array.
     */
    INDArray gradient(INDArray params, INDArray x, INDArray y) {
        INDArray g = outside(params.dataType(), length);
        try (MemoryWorkspace ignored = scratch.open()) {
            pass(params, x, y, g, false);
        }
        return g;
    }

    /** The gradient at {@code params} as {@link #gradient}, with what Hessian-vector products there reuse. */
    Centre centre(INDArray params, INDArray x, INDArray y) {
        INDArray g = outside(params.dataType(), length);
        try (MemoryWorkspace ignored = scratch.open()) {
            return pass(params, x, y, g, true);
        }
    }

    /** Frees this path's workspace on the calling thread (after a snapshot). */
    void release() {
        scratch.release();
    }

    /**
     * Forward and backward at {@code params} into {@code g}; temporaries live in this path's workspace (allocating
     * fresh arrays cost more than the arithmetic here); with {@code keep}, the centre's arrays are copied out of it.
     */
    private Centre pass(INDArray params, INDArray x, INDArray y, INDArray g, boolean keep) {
        INDArray flat = params.reshape(params.length());
        int layers = steps.size();
        INDArray[] in = new INDArray[layers];
        INDArray[] w = new INDArray[layers];
        INDArray[] slope = new INDArray[layers];
        INDArray[] bend = new INDArray[layers];
        INDArray act = x;
        INDArray z = null;
        for (int l = 0; l < layers; l++) {
            MlpChain.Step s = steps.get(l);
            in[l] = act;
            w[l] = matrix(flat, s.w());
            z = mm(act, false, w[l], false);
            if (s.b() != null) {
                z.addiRowVector(vector(flat, s.b()));
            }
            if (l < layers - 1) {
                INDArray a = s.activation().getActivation(z.dup(), false);
                slope[l] = s.activation().backprop(z.dup(), Nd4j.onesLike(z)).getFirst();
                bend[l] = bend(s.curve(), a);
                act = a;
            }
        }
        INDArray delta;
        INDArray p = null;
        if (loss == MlpChain.Loss.SOFTMAX_CROSS_ENTROPY) {
            p = steps.get(layers - 1).activation().getActivation(z.dup(), false);
        }
        delta = loss.delta(z, p, y);
        INDArray[] d = new INDArray[layers];
        for (int l = layers - 1; l >= 0; l--) {
            MlpChain.Step s = steps.get(l);
            d[l] = delta;
            put(g, s.w(), mm(in[l], true, delta, false));
            if (s.b() != null) {
                put(g, s.b(), delta.sum(0));
            }
            if (l > 0) {
                delta = mm(delta, false, w[l], true).muli(slope[l - 1]);
            }
        }
        return keep ? new Centre(g, kept(in), kept(w), kept(slope), kept(bend), kept(d), kept(p)) : null;
    }

    private static INDArray[] kept(INDArray[] arrays) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = kept(arrays[i]);
        }
        return out;
    }

    /** {@code a} itself, or a copy outside every workspace when it lives in one. */
    private static INDArray kept(INDArray a) {
        if (a == null || !a.isAttached()) {
            return a;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup();
        }
    }

    static INDArray outside(org.nd4j.linalg.api.buffer.DataType type, long length) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.create(type, length);
        }
    }

    /** σ'' from the activation's output, or null where it is zero. */
    static INDArray bend(MlpChain.Curve curve, INDArray a) {
        return switch (curve) {
            case PIECEWISE_LINEAR -> null;
            case TANH -> a.mul(a).rsubi(1).muli(a).muli(-2); // -2·a·(1 - a²)
            case SIGMOID -> a.rsub(1).muli(a).muli(a.mul(-2).addi(1)); // a·(1 - a)·(1 - 2a)
        };
    }

    private void product(Centre c, INDArray v, ParameterTensor only, INDArray hv) {
        INDArray[] inputs = c.inputs;
        INDArray[] weights = c.weights;
        INDArray[] slopes = c.slopes;
        INDArray[] bends = c.bends;
        INDArray[] deltas = c.deltas;
        INDArray probabilities = c.probabilities;
        int layers = steps.size();
        int first = 0;
        if (only != null) { // v is zero on the layers before only's: their R-forward is zero too
            while (first < layers && !in(steps.get(first), only)) {
                first++;
            }
        }
        if (first == layers) {
            return; // not a tensor of this network: nothing to compute
        }
        INDArray[] rz = new INDArray[layers];
        INDArray[] ra = new INDArray[layers]; // R of each layer's input activations (null: zero)
        INDArray[] vw = new INDArray[layers];
        INDArray r = null;
        for (int l = first; l < layers; l++) {
            MlpChain.Step s = steps.get(l);
            vw[l] = matrix(v, s.w());
            INDArray z = mm(inputs[l], false, vw[l], false);
            if (ra[l] != null) {
                z.addi(mm(ra[l], false, weights[l], false));
            }
            if (s.b() != null) {
                z.addiRowVector(vector(v, s.b()));
            }
            rz[l] = z;
            if (l < layers - 1) {
                ra[l + 1] = z.mul(slopes[l]);
            }
            r = z;
        }
        INDArray rDelta = loss.rDelta(probabilities, r);
        for (int l = layers - 1; l >= first; l--) {
            MlpChain.Step s = steps.get(l);
            if (only == null || same(only, s.w())) {
                INDArray gw = mm(inputs[l], true, rDelta, false);
                if (ra[l] != null) {
                    gw.addi(mm(ra[l], true, deltas[l], false));
                }
                put(hv, s.w(), gw);
            }
            if (s.b() != null && (only == null || same(only, s.b()))) {
                put(hv, s.b(), rDelta.sum(0));
            }
            if (l > first && (only == null || needsBelow(l, only))) {
                INDArray next = mm(rDelta, false, weights[l], true).addi(mm(deltas[l], false, vw[l], true));
                next.muli(slopes[l - 1]);
                if (bends[l - 1] != null) {
                    next.addi(mm(deltas[l], false, weights[l], true).muli(bends[l - 1]).muli(rz[l - 1]));
                }
                rDelta = next;
            } else {
                break;
            }
        }
    }

    /** Whether {@code only} is in a layer below {@code l}. */
    private boolean needsBelow(int l, ParameterTensor only) {
        for (int k = 0; k < l; k++) {
            if (in(steps.get(k), only)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code op(a)·op(b)} by one BLAS call with its transpose flags (mmul of a transposed view may copy it: the
     * probe's inputs are the largest array here).
     */
    private static INDArray mm(INDArray a, boolean transposeA, INDArray b, boolean transposeB) {
        return Nd4j.gemm(a, b, transposeA, transposeB);
    }

    private static boolean in(MlpChain.Step s, ParameterTensor t) {
        return same(t, s.w()) || same(t, s.b());
    }

    /** The same tensor of the network (a name, since tensors are listed per copy). */
    private static boolean same(ParameterTensor a, ParameterTensor b) {
        return a != null && b != null && a.name().equals(b.name());
    }

    private static INDArray matrix(INDArray flat, ParameterTensor t) {
        return DenseTail.matrix(flat, t, 0);
    }

    private static INDArray vector(INDArray flat, ParameterTensor t) {
        return DenseTail.vector(flat, t, 0);
    }

    /** Writes {@code value} (a tensor's shape) into {@code t}'s place of {@code flat}, in DL4J's 'f' order. */
    static void put(INDArray flat, ParameterTensor t, INDArray value) {
        flat.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                .assign(value.dup('f').reshape('f', new long[]{t.length()}));
    }
}
