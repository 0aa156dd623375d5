package io.github.landscape4j.surface.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Internal: one centre of {@link ExactGraph}: the arrays its forward and backward pass keep (each node's input,
 * output, activation slope and bend, max pooling's choice, batch norm's {@code x̂}, the error of each node's output),
 * and the R-operator's forward and backward through them for a Hessian-vector product. Sums over the probe's examples.
 */
final class GraphCentre implements Curvature.Centre {
    private final ExactGraph graph;
    final INDArray[] in;
    final INDArray[] out;
    final INDArray[] slope;
    final INDArray[] bend;
    final INDArray[] mask;
    final BatchNormAt[] norm;
    /** The input's im2col for a convolution that reads the network input ({@link FirstConvolution}), else null. */
    final INDArray[] cols;
    /** The error of each node's output at the centre ({@code ∂L/∂a}). */
    final INDArray[] dOut;
    final long batch;
    /** The output layer at the centre: its input, softmax outputs and error ({@code ∂L/∂z}). */
    OutputHead.Forward head;
    INDArray gradient;

    GraphCentre(ExactGraph graph, int n, long batch) {
        this.graph = graph;
        in = new INDArray[n];
        out = new INDArray[n];
        slope = new INDArray[n];
        bend = new INDArray[n];
        mask = new INDArray[n];
        norm = new BatchNormAt[n];
        cols = new INDArray[n];
        dOut = new INDArray[n];
        this.batch = batch;
    }

    private int generation;

    /**
     * Moves what the products read out of the workspace of the pass into {@code kept}'s arrays (the network input
     * {@code x} is already outside any workspace); {@code generation} is the path's count of centres.
     */
    GraphCentre keep(KeptBuffers kept, int generation, INDArray x, GraphSteps steps) {
        this.generation = generation;
        for (int k = 0; k < out.length; k++) {
            out[k] = kept.keep("out" + k, out[k]);
        }
        for (int k = 0; k < out.length; k++) {
            GraphSteps.Node s = graph.nodes.get(k);
            int from = s.inputs()[0];
            in[k] = in[k] == null ? null : s.pre() != null || s.inputs().length != 1 ? kept.keep("in" + k, in[k])
                    : from == GraphSteps.INPUT ? x : out[from];
            slope[k] = kept.keep("slope" + k, slope[k]);
            bend[k] = kept.keep("bend" + k, bend[k]);
            mask[k] = kept.keep("mask" + k, mask[k]);
            cols[k] = kept.keep("cols" + k, cols[k]);
            dOut[k] = kept.keep("dOut" + k, dOut[k]);
            BatchNormAt b = norm[k];
            norm[k] = b == null ? null : new BatchNormAt(kept.keep("xHat" + k, b.xHat()), kept.keep("scale" + k,
                    b.scale()), kept.keep("inverseStd" + k, b.inverseStd()), kept.keep("beta" + k, b.beta()),
                    kept.keep("gamma" + k, b.gamma()));
        }
        head = new OutputHead.Forward(steps.outputPre() == null ? out[steps.outputInput()]
                : kept.keep("outIn", head.input()), kept.keep("probabilities", head.probabilities()),
                kept.keep("delta", head.delta()), null);
        gradient = kept.keep("gradient", gradient);
        return this;
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }

    @Override
    public INDArray hvp(INDArray v, ParameterTensor only) {
        if (graph.generation() != generation) {
            throw new IllegalStateException("this centre's arrays were replaced by a newer centre of the same network "
                    + "(or released after its snapshot): take a new centre");
        }
        INDArray hv = ExactMlp.outside(gradient.dataType(), graph.length);
        int onlyNode = -1;
        boolean onlyOutput = false;
        if (only != null) {
            onlyNode = graph.nodeOf(only);
            onlyOutput = onlyNode < 0;
        }
        try (MemoryWorkspace ignored = graph.scratch.open()) {
            graph.mgr = graph.inScratch;
            product(v.reshape(v.length()).castTo(gradient.dataType()), hv, only != null, onlyNode, onlyOutput);
        } finally {
            graph.mgr = graph.OUTSIDE;
        }
        if (only != null) {
            io.github.landscape4j.direction.internal.Directions.restrictTo(hv, only);
        }
        return hv;
    }

    /** Whether node {@code k} reads, directly or not, node {@code from}'s output (or is it). */
    private boolean[] downstream(int from) {
        boolean[] reach = new boolean[graph.nodes.size()];
        if (from < 0) {
            return reach;
        }
        reach[from] = true;
        for (int k = from + 1; k < graph.nodes.size(); k++) {
            for (int p : graph.nodes.get(k).inputs()) {
                reach[k] |= p != GraphSteps.INPUT && reach[p];
            }
        }
        return reach;
    }

    /**
     * {@code H·v} into {@code hv}. With {@code restricted}, {@code v} is zero outside one tensor, of node {@code
     * onlyNode} or of the output layer ({@code onlyOutput}), and only its block is wanted: the nodes it does not
     * reach have no R-forward, the others no direction terms, and the R-backward stops at it.
     */
    private void product(INDArray v, INDArray hv, boolean restricted, int onlyNode, boolean onlyOutput) {
        graph.direction.params().assign(v.reshape(1, graph.length));
        int n = graph.nodes.size();
        boolean[] live = restricted ? downstream(onlyNode) : null;
        INDArray[] r = new INDArray[n]; // R of each node's output (null: zero)
        INDArray[] rIn = new INDArray[n];
        INDArray[] rz = new INDArray[n];
        for (int k = 0; k < n && !onlyOutput; k++) {
            if (restricted && !live[k]) {
                continue;
            }
            GraphSteps.Node s = graph.nodes.get(k);
            boolean moves = !restricted || k == onlyNode;
            INDArray ri = s.kind() == GraphSteps.Kind.SUM || s.kind() == GraphSteps.Kind.MERGE ? null
                    : graph.input(s, r, null);
            rIn[k] = ri;
            INDArray z = switch (s.kind()) {
                case LINEAR -> {
                    INDArray t = moves ? graph.direction.getLayer(s.name()).activate(in[k], false, graph.mgr).dup() : null;
                    INDArray u = ri == null ? null : graph.weightsOnly.getLayer(s.name()).activate(ri, false, graph.mgr);
                    yield t == null ? (u == null ? null : u.dup()) : u == null ? t : t.addi(u);
                }
                case ACTIVATION -> ri;
                case LINEAR_MAP -> ri == null ? null : graph.centre.getLayer(s.name()).activate(ri, false, graph.mgr).dup();
                case MAX_POOL -> ri == null ? null : ChainSteps.windows(new ChainSteps.Step(0,
                        ChainSteps.Kind.MAX_POOL, null, null, null, s.window(), false), ri.mul(mask[k]), out[k]);
                case BATCH_NORM -> {
                    BatchNormAt bn = norm[k];
                    INDArray t = ri == null ? null : BatchNormAt.perChannel(ri, bn.scale());
                    if (moves) {
                        Layer d = graph.direction.getLayer(s.name());
                        INDArray m = BatchNormAt.perChannel(bn.xHat(), BatchNormAt.vector(d.getParam("gamma")));
                        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp(m,
                                BatchNormAt.vector(d.getParam("beta")), m, 1));
                        t = t == null ? m : t.addi(m);
                    }
                    yield t;
                }
                case SUM -> {
                    INDArray sum = null;
                    for (int i = 0; i < s.inputs().length; i++) {
                        int p = s.inputs()[i];
                        if (p != GraphSteps.INPUT && r[p] != null) {
                            INDArray t = r[p].mul(s.coefficients()[i]);
                            sum = sum == null ? t : sum.addi(t);
                        }
                    }
                    yield sum;
                }
                case MERGE -> {
                    INDArray[] parts = new INDArray[s.inputs().length];
                    boolean any = false;
                    for (int i = 0; i < parts.length; i++) {
                        int p = s.inputs()[i];
                        any |= r[p] != null;
                        parts[i] = r[p] != null ? r[p] : Nd4j.zeros(out[p].dataType(), out[p].shape());
                    }
                    yield any ? Nd4j.concat(1, parts) : null;
                }
            };
            rz[k] = z;
            r[k] = z == null ? null : slope[k] != null ? z.mul(slope[k]) : z;
        }
        INDArray up = graph.head.product(head, graph.centre.params().reshape(graph.length),
                graph.direction.params().reshape(graph.length), onlyOutput ? null : r[graph.steps.outputInput()],
                !restricted || onlyOutput, hv, !onlyOutput, batch, graph.mgr);
        if (up == null) {
            return;
        }
        INDArray[] rd = new INDArray[n];
        rd[graph.steps.outputInput()] = up;
        for (int k = n - 1; k >= 0; k--) {
            if (restricted && !live[k]) {
                continue;
            }
            GraphSteps.Node s = graph.nodes.get(k);
            if (dOut[k] == null) {
                continue; // does not reach the loss
            }
            INDArray d = rd[k] != null ? rd[k] : Nd4j.zeros(dOut[k].dataType(), dOut[k].shape());
            INDArray rdz = slope[k] != null ? d.mul(slope[k]) : d;
            if (bend[k] != null && rz[k] != null) {
                rdz = rdz.add(dOut[k].mul(bend[k]).muli(rz[k]));
            }
            INDArray dz = slope[k] != null ? dOut[k].mul(slope[k]) : dOut[k];
            boolean last = restricted && k == onlyNode;
            switch (s.kind()) {
                case ACTIVATION -> graph.send(s, rdz, rd, batch);
                case MAX_POOL, LINEAR_MAP -> graph.send(s, graph.backward(graph.centre, s, in[k], rdz, null, false), rd, batch);
                case LINEAR -> {
                    if (cols[k] != null && graph.first(k) != null) {
                        graph.first(k).gradient(cols[k], rdz, hv); // reads the input: no error below it
                        break;
                    }
                    INDArray e = graph.backward(graph.centre, s, in[k], rdz, hv, false);
                    if (!restricted && (rIn[k] != null || s.inputs()[0] != GraphSteps.INPUT)) {
                        INDArray f = graph.backward(graph.direction, s, rIn[k] != null ? rIn[k] : in[k], dz,
                                rIn[k] != null ? hv : null, true);
                        e = e == null ? f : f == null ? e : e.addi(f);
                    }
                    if (!last) {
                        graph.send(s, e, rd, batch);
                    }
                }
                case BATCH_NORM -> {
                    BatchNormAt bn = norm[k];
                    INDArray rg = rdz.mul(bn.xHat());
                    if (rIn[k] != null) {
                        rg.addi(BatchNormAt.perChannel(dz.mul(rIn[k]), bn.inverseStd()));
                    }
                    graph.put(hv, s.gamma(), BatchNormAt.channelSum(rg));
                    graph.put(hv, s.beta(), BatchNormAt.channelSum(rdz));
                    if (!last) {
                        INDArray e = BatchNormAt.perChannel(rdz, bn.scale());
                        if (moves(restricted, k, onlyNode)) {
                            Layer dl = graph.direction.getLayer(s.name());
                            e.addi(BatchNormAt.perChannel(dz, BatchNormAt.vector(dl.getParam("gamma"))
                                    .mul(bn.inverseStd())));
                        }
                        graph.send(s, e, rd, batch);
                    }
                }
                case SUM, MERGE -> graph.spread(s, rdz, rd, out);
            }
            if (last) {
                break;
            }
        }
    }

    private boolean moves(boolean restricted, int k, int onlyNode) {
        return !restricted || k == onlyNode;
    }
}
