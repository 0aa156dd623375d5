package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Optional;

/**
 * Internal: the exact gradient and exact Hessian-vector products of the probe loss of a ComputationGraph (or of a
 * MultiLayerNetwork {@link ExactChain} does not take, e.g. one with batch norm, through DL4J's {@code
 * toComputationGraph}, which keeps the parameter layout) whose vertices {@link GraphSteps} covers: Pearlmutter's
 * R-operator as in {@link ExactChain}, vertex by vertex in topological order, with the errors of a vertex's output
 * summed over the vertices that read it. Convolution and dense layers run through DL4J's own layer code on three
 * private twins (centre; centre weights with zero biases; direction), as in {@link ExactChain}.
 *
 * <p>Batch norm is taken in inference mode, the mode every grid point and loss of a snapshot is evaluated in: the
 * per-channel affine map {@code z = γ·x̂ + β}, {@code x̂ = (x − μ)/s}, {@code s = √(σ² + ε)} with the running mean
 * and variance, so {@code R(z) = (γ/s)·R(x) + v_γ·x̂ + v_β}, {@code δ_x = (γ/s)·δ_z}, {@code g_γ = Σ δ_z·x̂}, {@code g_β
 * = Σ δ_z}, {@code R(δ_x) = (γ/s)·R(δ_z) + (v_γ/s)·δ_z}, {@code R(g_γ) = Σ (R(δ_z)·x̂ + δ_z·R(x)/s)}. The running
 * statistics are not trained: their gradient and products are zero (directions never move them). This is the
 * curvature of the surface the snapshot draws, as PyHessian measures it ({@code model.eval()}); the finite
 * differences of DL4J's gradients that other networks use see batch norm in training mode (the probe's own batch
 * statistics), which DL4J's backpropagation always takes. Element-wise add, subtract, average, scale and merge
 * vertices are linear: their R-forward and R-backward are themselves. Global average pooling is linear.
 */
final class ExactGraph implements Curvature.Path {
    static final LayerWorkspaceMgr OUTSIDE = LayerWorkspaceMgr.noWorkspaces();
    /** Temporaries of the centre pass and of each product: hundreds of megabytes on a CNN's probe. */
    final Scratch scratch = new Scratch("graph");
    /** A centre's arrays the products read, kept from one centre to the next (fresh arrays cost page faults). */
    private final KeptBuffers kept = new KeptBuffers();
    private int generation;
    /**
     * Per node, the weight gradient of a convolution that reads the network input ({@link FirstConvolution}), else
     * null; checked against DL4J's backward at the first centre ({@link #firstChecked}).
     */
    private final FirstConvolution[] first;
    private boolean firstChecked;
    final LayerWorkspaceMgr inScratch = scratch.layers();
    LayerWorkspaceMgr mgr = OUTSIDE;
    final GraphSteps steps;
    final List<GraphSteps.Node> nodes;
    final OutputHead head;
    final ComputationGraph centre;
    final ComputationGraph weightsOnly;
    final ComputationGraph direction;
    final long length;

    private ExactGraph(ComputationGraph g, GraphSteps steps) {
        this.steps = steps;
        this.nodes = steps.nodes();
        List<ParameterTensor> tensors = Models.tensors(g);
        String out = steps.outputName();
        this.head = OutputHead.of(tensors, out, steps.loss(),
                ((BaseLayer) g.getLayer(out).conf().getLayer()).getActivationFn(), steps.outputPre());
        this.length = g.params().length();
        this.centre = GraphSteps.twin(g);
        this.weightsOnly = GraphSteps.twin(g);
        this.direction = GraphSteps.twin(g);
        this.first = new FirstConvolution[nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            GraphSteps.Node s = nodes.get(k);
            if (s.kind() == GraphSteps.Kind.LINEAR && s.inputs()[0] == GraphSteps.INPUT) {
                first[k] = FirstConvolution.of(g.getLayer(s.name()).conf().getLayer(), s.name(), tensors);
            }
        }
    }

    /**
     * The exact path of {@code model}: a ComputationGraph {@link GraphSteps} covers, or a MultiLayerNetwork whose graph
     * form it covers.
     */
    static Optional<ExactGraph> of(Model model) {
        ComputationGraph g;
        try {
            g = model instanceof ComputationGraph cg ? cg
                    : model instanceof MultiLayerNetwork n && n.getnLayers() >= 2 && GraphSteps.takes(n)
                    ? n.toComputationGraph() : null;
        } catch (RuntimeException e) {
            return Optional.empty(); // a network DL4J cannot put in graph form
        }
        if (g == null || g.params().length() != model.params().length()) {
            return Optional.empty();
        }
        return GraphSteps.of(g).map(s -> new ExactGraph(g, s));
    }

    /**
     * The gradient at {@code params} on inputs {@code x} and labels {@code y} (the params' data type), with what
     * Hessian-vector products there reuse; empty when a max pooling's windows turn out not to tile its input.
     */
    /**
     * {@inheritDoc} The pass runs in the same workspace as the products (its temporaries and theirs reuse one block of
     * memory); what the products read is copied to arrays kept from one centre to the next, so a centre is valid until
     * the next centre of this path (its products then fail) or {@link #release()}.
     */
    @Override
    public Optional<Curvature.Centre> centre(INDArray params, INDArray x, INDArray y) {
        generation++;
        try (MemoryWorkspace ignored = scratch.open()) {
            mgr = inScratch;
            GraphCentre c = pass(params, x, y);
            return Optional.ofNullable(c == null ? null : c.keep(kept, generation, x, steps));
        } finally {
            mgr = OUTSIDE;
        }
    }

    /** Which centre's arrays the kept buffers hold (see {@link #centre}). */
    int generation() {
        return generation;
    }

    @Override
    public void release() {
        generation++;
        scratch.release();
        kept.clear();
    }

    private GraphCentre pass(INDArray params, INDArray x, INDArray y) {
        INDArray flat = params.reshape(params.length());
        centre.params().assign(flat.reshape(1, length));
        weightsOnly.params().assign(flat.reshape(1, length));
        for (GraphSteps.Node s : nodes) {
            INDArray b = s.kind() == GraphSteps.Kind.LINEAR ? weightsOnly.getLayer(s.name()).getParam("b") : null;
            if (b != null) {
                b.assign(0);
            }
        }
        int n = nodes.size();
        GraphCentre c = new GraphCentre(this, n, x.size(0));
        for (int k = 0; k < n; k++) {
            GraphSteps.Node s = nodes.get(k);
            INDArray a = s.kind() == GraphSteps.Kind.SUM || s.kind() == GraphSteps.Kind.MERGE ? null
                    : input(s, c.out, x);
            c.in[k] = a;
            Layer layer = s.kind() == GraphSteps.Kind.LINEAR || s.kind() == GraphSteps.Kind.MAX_POOL
                    || s.kind() == GraphSteps.Kind.LINEAR_MAP ? centre.getLayer(s.name()) : null;
            INDArray z = switch (s.kind()) {
                case ACTIVATION -> a;
                case LINEAR, LINEAR_MAP -> layer.activate(a, false, mgr).dup();
                case MAX_POOL -> {
                    INDArray pooled = layer.activate(a, false, mgr).dup();
                    layer.setInput(a, mgr);
                    c.mask[k] = layer.backpropGradient(Nd4j.onesLike(pooled), mgr).getSecond().dup(); // B(1)
                    layer.clear();
                    long[] sh = a.shape();
                    int[] w = s.window();
                    if (a.rank() != 4 || sh[2] < pooled.size(2) * w[0] || sh[3] < pooled.size(3) * w[1]) {
                        yield null; // padded windows (convolution mode Same): not taken
                    }
                    yield pooled;
                }
                case BATCH_NORM -> {
                    BatchNormAt bn = BatchNormAt.of(centre.getLayer(s.name()), s, a);
                    c.norm[k] = bn;
                    yield bn.forward(a);
                }
                case SUM -> {
                    INDArray sum = null;
                    for (int i = 0; i < s.inputs().length; i++) {
                        INDArray t = at(s.inputs()[i], c.out, x).mul(s.coefficients()[i]);
                        sum = sum == null ? t : sum.addi(t);
                    }
                    yield sum;
                }
                case MERGE -> Nd4j.concat(1, inputsOf(s, c.out, x));
            };
            if (z == null) {
                return null;
            }
            if (s.activation() != null) {
                c.slope[k] = s.activation().backprop(z.dup(), Nd4j.onesLike(z)).getFirst();
                c.out[k] = s.activation().getActivation(z.dup(), false);
                c.bend[k] = ExactMlp.bend(s.curve(), c.out[k]);
            } else {
                c.out[k] = z;
            }
        }
        INDArray g = Nd4j.zeros(flat.dataType(), length);
        c.head = head.forward(flat, c.out[steps.outputInput()], y, g, c.batch, mgr);
        c.dOut[steps.outputInput()] = c.head.up();
        for (int k = n - 1; k >= 0; k--) {
            GraphSteps.Node s = nodes.get(k);
            INDArray d = c.dOut[k];
            if (d == null) {
                continue; // its output does not reach the loss
            }
            INDArray dz = c.slope[k] != null ? d.mul(c.slope[k]) : d;
            switch (s.kind()) {
                case ACTIVATION -> send(s, dz, c.dOut, c.batch);
                case LINEAR -> {
                    if (first[k] != null) {
                        c.cols[k] = first[k].columns(c.in[k]);
                        if (firstChecked) {
                            first[k].gradient(c.cols[k], dz, g);
                            break;
                        }
                        backward(centre, s, c.in[k], dz, g, false);
                        if (!first[k].agrees(c.cols[k], dz, g, s.offset(),
                                s.offset() + centre.getLayer(s.name()).numParams(), s.name())) {
                            first[k] = null;
                            c.cols[k] = null;
                        }
                        break;
                    }
                    send(s, backward(centre, s, c.in[k], dz, g, false), c.dOut, c.batch);
                }
                case MAX_POOL, LINEAR_MAP -> send(s, backward(centre, s, c.in[k], dz, null, false), c.dOut, c.batch);
                case BATCH_NORM -> {
                    BatchNormAt bn = c.norm[k];
                    put(g, s.gamma(), BatchNormAt.channelSum(dz.mul(bn.xHat())));
                    put(g, s.beta(), BatchNormAt.channelSum(dz));
                    send(s, BatchNormAt.perChannel(dz, bn.scale()), c.dOut, c.batch);
                }
                case SUM, MERGE -> spread(s, dz, c.dOut, c.out);
            }
        }
        c.gradient = g;
        firstChecked = true;
        return c;
    }

    /** The input convolution of node {@code k} ({@link FirstConvolution}), or null. */
    FirstConvolution first(int k) {
        return first[k];
    }

    /** The input of single-input node {@code s}, after its preprocessor. */
    INDArray input(GraphSteps.Node s, INDArray[] out, INDArray x) {
        INDArray a = at(s.inputs()[0], out, x);
        return s.pre() == null || a == null ? a : s.pre().preProcess(a, (int) (x == null ? a.size(0) : x.size(0)), mgr);
    }

    private static INDArray at(int position, INDArray[] out, INDArray x) {
        return position == GraphSteps.INPUT ? x : out[position];
    }

    private static INDArray[] inputsOf(GraphSteps.Node s, INDArray[] out, INDArray x) {
        INDArray[] a = new INDArray[s.inputs().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = at(s.inputs()[i], out, x);
        }
        return a;
    }

    /** Adds a single-input node's input error {@code e} (before its preprocessor's backward) to its input's. */
    void send(GraphSteps.Node s, INDArray e, INDArray[] d, long batch) {
        if (e == null || s.inputs()[0] == GraphSteps.INPUT) {
            return;
        }
        if (s.pre() != null) {
            e = s.pre().backprop(e, (int) batch, mgr);
        }
        add(d, s.inputs()[0], e);
    }

    /** Sends a sum's or merge's output error {@code e} to its inputs (a merge: each input's channels). */
    static void spread(GraphSteps.Node s, INDArray e, INDArray[] d, INDArray[] out) {
        long from = 0;
        for (int i = 0; i < s.inputs().length; i++) {
            int p = s.inputs()[i];
            if (s.kind() == GraphSteps.Kind.SUM) {
                if (p != GraphSteps.INPUT) {
                    add(d, p, e.mul(s.coefficients()[i]));
                }
                continue;
            }
            long width = p == GraphSteps.INPUT ? -1 : out[p].size(1);
            if (width < 0) {
                throw new IllegalStateException("merge of the network input"); // not reached: of(...) refuses none
            }
            add(d, p, e.get(channels(e.rank(), from, from + width)).dup('c'));
            from += width;
        }
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] channels(int rank, long from, long to) {
        org.nd4j.linalg.indexing.INDArrayIndex[] ix = new org.nd4j.linalg.indexing.INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            ix[i] = i == 1 ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return ix;
    }

    /** {@code d[p] += e}, never in place on an array another node holds. */
    private static void add(INDArray[] d, int p, INDArray e) {
        d[p] = d[p] == null ? e : d[p].add(e);
    }

    static void put(INDArray flat, long offset, INDArray value) {
        flat.get(NDArrayIndex.interval(offset, offset + value.length())).assign(value.reshape(value.length()));
    }

    private static void addTo(INDArray flat, long offset, INDArray value) {
        flat.get(NDArrayIndex.interval(offset, offset + value.length())).addi(value.reshape(value.length()));
    }

    /**
     * DL4J's backward of node {@code s}'s layer in {@code net} at input {@code input} for pre-activation error {@code
     * dz}: returns the error of its input (before the node's preprocessor); a parametrized layer's gradient is added
     * to {@code g}'s segment (or assigned when not {@code add}) when {@code g} is given.
     */
    INDArray backward(ComputationGraph net, GraphSteps.Node s, INDArray input, INDArray dz, INDArray g,
                              boolean add) {
        Layer layer = net.getLayer(s.name());
        layer.setInput(input, mgr);
        org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> out =
                layer.backpropGradient(dz, mgr);
        INDArray up = out.getSecond();
        if (g != null && add && out.getFirst().getGradientFor("b") != null) {
            out.getFirst().getGradientFor("b").assign(0); // bwd(R(a), V; δ_z) adds to the weights' R-gradient only
        }
        if (g != null) {
            INDArray grads = layer.getGradientsViewArray().reshape(layer.numParams());
            if (add) {
                addTo(g, s.offset(), grads);
            } else {
                put(g, s.offset(), grads);
            }
        }
        layer.clear();
        return up == null ? null : up.dup();
    }

    /** The node whose layer holds tensor {@code t} (-1: the output layer). */
    int nodeOf(ParameterTensor t) {
        for (int k = 0; k < nodes.size(); k++) {
            GraphSteps.Node s = nodes.get(k);
            if (s.offset() >= 0 && t.offset() >= s.offset()
                    && t.offset() < s.offset() + centre.getLayer(s.name()).numParams()) {
                return k;
            }
        }
        return -1;
    }
}
