package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Internal: the exact gradient and exact Hessian-vector products of the probe loss of a MultiLayerNetwork of 2D
 * convolutions, max or average pooling, dense and activation layers ending in an output layer (the losses of {@link
 * MlpChain}), Pearlmutter's R-operator as in {@link ExactMlp}, with DL4J's own layer code (and the engine's native
 * layer helpers) doing the convolutions. It rests on bilinearity: a convolution or dense layer {@code z = op(a, W) +
 * b} is linear in its input and in its weights, so its directional derivative is {@code R(z) = op(a, V) + v_b +
 * op(R(a), W)}, two forwards of the same layer with other parameters, and its R-backward is two of DL4J's backward
 * passes, {@code (R(g_W), R(δ_a)) = bwd(a, W; R(δ_z)) + bwd(R(a), V; δ_z)} (the first's bias gradient is {@code
 * R(g_b)}). The layers run on three private twins of the network whose parametrized layers have identity
 * activations: one with the centre's parameters, one with its weights and zero biases, one with the direction.
 * Activations as {@link ExactMlp} ({@code σ''} of tanh and the sigmoid, zero for piecewise linear ones). Average
 * pooling is linear. Max pooling is linear for a fixed choice of maxima: its backward {@code B} scatters to the
 * chosen inputs, and its R-forward is {@code Bᵀ}, the sum over each window of {@code R(a)} masked by {@code B(1)};
 * taken for windows that do not overlap and are not padded (stride = kernel, no padding or dilation, truncate or
 * strict mode). Batch norm and graphs take {@link ExactGraph}; other networks (recurrent layers, masks) use finite
 * differences of DL4J's gradients in double precision ({@link io.github.landscape4j.sharpness.internal.Hessian}). Sums over the probe's examples.
 */
final class ExactChain implements Curvature.Path {
    private static final LayerWorkspaceMgr OUTSIDE = LayerWorkspaceMgr.noWorkspaces();
    /** Temporaries of one product: a product allocates hundreds of megabytes on a CNN's probe. */
    private final Scratch scratch = new Scratch("chain");
    private final LayerWorkspaceMgr inScratch = scratch.layers();
    /** Where DL4J's layers put their arrays: outside workspaces for a centre's kept arrays, else the scratch. */
    private LayerWorkspaceMgr mgr = OUTSIDE;
    private final List<ChainSteps.Step> steps;
    private final OutputHead head;
    private final MultiLayerNetwork centre;
    private final MultiLayerNetwork weightsOnly;
    private final MultiLayerNetwork direction;
    private final long length;
    private final int outIndex;
    /** The first layer's gradient by im2col when it is a convolution ({@link FirstConvolution}), else null. */
    private FirstConvolution first;
    private boolean firstChecked;

    private ExactChain(MultiLayerNetwork net, List<ChainSteps.Step> steps, MlpChain.Loss loss) {
        this.steps = steps;
        int last = net.getnLayers() - 1;
        List<ParameterTensor> tensors = Models.tensors(net);
        this.head = OutputHead.of(tensors, Integer.toString(last), loss,
                ((BaseLayer) net.getLayer(last).conf().getLayer()).getActivationFn(),
                net.getLayerWiseConfigurations().getInputPreProcess(last));
        this.length = net.params().length();
        this.outIndex = last;
        this.centre = ChainSteps.twin(net);
        this.weightsOnly = ChainSteps.twin(net);
        this.direction = ChainSteps.twin(net);
        if (steps.get(0).kind() == ChainSteps.Kind.LINEAR) {
            first = FirstConvolution.of(net.getLayer(0).conf().getLayer(), "0", tensors);
        }
    }

    /** The exact path of {@code model}, when it is a network this class covers ({@link ChainSteps}). */
    static Optional<ExactChain> of(Model model) {
        if (!(model instanceof MultiLayerNetwork net)) {
            return Optional.empty();
        }
        return ChainSteps.of(net).map(c -> new ExactChain(net, c.steps(), c.loss()));
    }

    /**
     * The gradient at {@code params} on inputs {@code x} and labels {@code y} (the params' data type), with what
     * Hessian-vector products there reuse; empty when a max pooling's windows turn out not to tile its input.
     */
    @Override
    public Optional<Curvature.Centre> centre(INDArray params, INDArray x, INDArray y) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Optional.ofNullable(pass(params, x, y));
        }
    }

    private Point pass(INDArray params, INDArray x, INDArray y) {
        INDArray flat = params.reshape(params.length());
        centre.params().assign(flat.reshape(1, length));
        weightsOnly.params().assign(flat.reshape(1, length));
        for (ChainSteps.Step s : steps) {
            INDArray b = s.kind() == ChainSteps.Kind.LINEAR ? weightsOnly.getLayer(s.index()).getParam("b") : null;
            if (b != null) {
                b.assign(0);
            }
        }
        int n = steps.size();
        long batch = x.size(0);
        INDArray[] in = new INDArray[n];
        INDArray[] slope = new INDArray[n];
        INDArray[] bend = new INDArray[n];
        INDArray[] mask = new INDArray[n];
        INDArray a = x;
        for (int k = 0; k < n; k++) {
            ChainSteps.Step s = steps.get(k);
            if (s.pre() != null) {
                a = s.pre().preProcess(a, (int) batch, mgr);
            }
            in[k] = a;
            Layer layer = centre.getLayer(s.index());
            INDArray z = s.kind() == ChainSteps.Kind.ACTIVATION ? a : layer.activate(a, false, mgr).dup();
            if (s.kind() == ChainSteps.Kind.MAX_POOL) {
                layer.setInput(a, mgr);
                mask[k] = layer.backpropGradient(Nd4j.onesLike(z), mgr).getSecond().dup(); // B(1)
                layer.clear();
                if (!Arrays.equals(ChainSteps.windows(s, mask[k], z).shape(), z.shape())) {
                    return null; // not reached for the modes of(...) takes
                }
            }
            if (s.activation() != null) {
                slope[k] = s.activation().backprop(z.dup(), Nd4j.onesLike(z)).getFirst();
                a = s.activation().getActivation(z.dup(), false);
                bend[k] = ExactMlp.bend(s.curve(), a);
            } else {
                a = z;
            }
        }
        INDArray g = Nd4j.create(flat.dataType(), length);
        OutputHead.Forward out = head.forward(flat, a, y, g, batch, mgr);
        INDArray up = out.up(); // δ of the last step's output
        INDArray[] dOut = new INDArray[n];
        INDArray columns = first == null ? null : first.columns(in[0]);
        for (int k = n - 1; k >= 0; k--) {
            ChainSteps.Step s = steps.get(k);
            dOut[k] = up;
            INDArray dz = slope[k] != null ? up.mul(slope[k]) : up;
            up = switch (s.kind()) {
                case ACTIVATION -> dz;
                case LINEAR -> k == 0 && columns != null && firstChecked ? gradientOfFirst(columns, dz, g)
                        : backward(centre, s, in[k], dz, g, false);
                case MAX_POOL, AVG_POOL -> backward(centre, s, in[k], dz, null, false);
            };
            if (s.pre() != null && k > 0) {
                up = s.pre().backprop(up, (int) batch, mgr);
            }
        }
        if (columns != null && !firstChecked && !first.agrees(columns, slope[0] != null ? dOut[0].mul(slope[0])
                : dOut[0], g, ChainSteps.offset(centre, 0), centre.getLayer(0).numParams(), "0")) {
            first = null;
            columns = null;
        }
        firstChecked = true;
        Point point = new Point(g, in, slope, bend, mask, dOut, out, batch);
        point.columns = columns;
        return point;
    }

    /** The first convolution's gradient for error {@code dz} into {@code g}; null (nothing reads its input's error). */
    private INDArray gradientOfFirst(INDArray columns, INDArray dz, INDArray g) {
        first.gradient(columns, dz, g);
        return null;
    }

    /** The layer index of {@code t} ({@code "3_W"}: 3), or -1 for none. */
    private static int layerOf(ParameterTensor t) {
        if (t == null) {
            return -1;
        }
        int cut = t.name().indexOf('_');
        try {
            return cut > 0 ? Integer.parseInt(t.name().substring(0, cut)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void release() {
        scratch.release();
    }

    /**
     * DL4J's backward of step {@code s}'s layer in {@code net} at input {@code input} for pre-activation error {@code
     * dz}: returns the error of its input; a parametrized layer's gradient is added to {@code g}'s segment (or
     * assigned when not {@code add}) when {@code g} is given.
     */
    private INDArray backward(MultiLayerNetwork net, ChainSteps.Step s, INDArray input, INDArray dz, INDArray g, boolean add) {
        Layer layer = net.getLayer(s.index());
        layer.setInput(input, mgr);
        org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> out =
                layer.backpropGradient(dz, mgr);
        INDArray up = out.getSecond();
        if (g != null && add && out.getFirst().getGradientFor("b") != null) {
            out.getFirst().getGradientFor("b").assign(0); // bwd(R(a), V; δ_z) adds to the weights' R-gradient only
        }
        if (g != null) {
            long from = ChainSteps.offset(net, s.index());
            INDArray segment = g.get(NDArrayIndex.interval(from, from + layer.numParams()));
            INDArray grads = layer.getGradientsViewArray().reshape(layer.numParams());
            if (add) {
                segment.addi(grads);
            } else {
                segment.assign(grads);
            }
        }
        layer.clear();
        return up == null ? null : up.dup();
    }

    /** One centre's kept arrays. */
    private final class Point implements Curvature.Centre {
        private final INDArray gradient;
        private final INDArray[] in;
        private final INDArray[] slope;
        private final INDArray[] bend;
        private final INDArray[] mask;
        private final INDArray[] dOut;
        private final OutputHead.Forward out;
        private final long batch;
        /** The input's im2col for {@link #first}, or null. */
        private INDArray columns;

        Point(INDArray gradient, INDArray[] in, INDArray[] slope, INDArray[] bend, INDArray[] mask, INDArray[] dOut,
              OutputHead.Forward out, long batch) {
            this.gradient = gradient;
            this.in = in;
            this.slope = slope;
            this.bend = bend;
            this.mask = mask;
            this.dOut = dOut;
            this.out = out;
            this.batch = batch;
        }

        @Override
        public INDArray gradient() {
            return gradient;
        }

        @Override
        public INDArray hvp(INDArray v, ParameterTensor only) {
            INDArray hv = ExactMlp.outside(gradient.dataType(), length);
            try (MemoryWorkspace ignored = scratch.open()) {
                mgr = inScratch;
                product(v.reshape(v.length()).castTo(gradient.dataType()), hv, layerOf(only));
            } finally {
                mgr = OUTSIDE;
            }
            if (only != null) {
                io.github.landscape4j.direction.internal.Directions.restrictTo(hv, only);
            }
            return hv;
        }

        /**
         * {@code H·v} into {@code hv}; with {@code only ≥ 0}, {@code v} is zero outside that layer's parameters and only
         * its block is wanted: the layers below it have no R-forward, the others no direction terms, and the
         * R-backward stops at it (the rest of {@code hv} is then not meaningful).
         */
        private void product(INDArray v, INDArray hv, int only) {
            direction.params().assign(v.reshape(1, length));
            int n = steps.size();
            INDArray[] rIn = new INDArray[n]; // R of each step's input (null: zero)
            INDArray[] rz = new INDArray[n];
            INDArray r = null;
            for (int k = 0; k < n; k++) {
                ChainSteps.Step s = steps.get(k);
                if (s.index() < only) {
                    continue; // v is zero here and below: so is R
                }
                boolean moves = only < 0 || s.index() == only;
                if (r != null && s.pre() != null) {
                    r = s.pre().preProcess(r, (int) batch, mgr);
                }
                rIn[k] = r;
                INDArray z = switch (s.kind()) {
                    case LINEAR -> {
                        INDArray t = moves ? direction.getLayer(s.index()).activate(in[k], false, mgr).dup() : null;
                        INDArray u = r == null ? null : weightsOnly.getLayer(s.index()).activate(r, false, mgr);
                        yield t == null ? (u == null ? null : u.dup()) : u == null ? t : t.addi(u);
                    }
                    case ACTIVATION -> r;
                    case AVG_POOL -> r == null ? null : direction.getLayer(s.index()).activate(r, false, mgr).dup();
                    case MAX_POOL -> r == null ? null : ChainSteps.windows(s, r.mul(mask[k]), dOut[k]);
                };
                rz[k] = z;
                r = z == null ? null : slope[k] != null ? z.mul(slope[k]) : z;
            }
            INDArray up = head.product(out, centre.params().reshape(length), direction.params().reshape(length), r,
                    only < 0 || only == outIndex, hv, only != outIndex, batch, mgr);
            if (up == null) {
                return;
            }
            for (int k = n - 1; k >= 0; k--) {
                ChainSteps.Step s = steps.get(k);
                INDArray rdz = slope[k] != null ? up.mul(slope[k]) : up;
                if (bend[k] != null && rz[k] != null) {
                    rdz.addi(dOut[k].mul(bend[k]).muli(rz[k]));
                }
                INDArray dz = slope[k] != null ? dOut[k].mul(slope[k]) : dOut[k];
                up = switch (s.kind()) {
                    case ACTIVATION -> rdz;
                    case MAX_POOL, AVG_POOL -> backward(centre, s, in[k], rdz, null, false);
                    case LINEAR -> {
                        if (k == 0 && columns != null && first != null) {
                            yield gradientOfFirst(columns, rdz, hv); // reads the input: no error below it
                        }
                        INDArray e = backward(centre, s, in[k], rdz, hv, false);
                        if (rIn[k] == null && (k == 0 || only >= 0)) {
                            yield e; // no R(a) here, and no error below is needed (or v is zero in this layer)
                        }
                        if (only >= 0 && s.index() != only) {
                            yield e; // V is zero in this layer: no direction terms
                        }
                        INDArray f = backward(direction, s, rIn[k] != null ? rIn[k] : in[k], dz,
                                rIn[k] != null ? hv : null, true);
                        yield e.addi(f);
                    }
                };
                if (k == 0 || s.index() <= only) {
                    break;
                }
                if (s.pre() != null) {
                    up = s.pre().backprop(up, (int) batch, mgr);
                }
            }
        }
    }

}
