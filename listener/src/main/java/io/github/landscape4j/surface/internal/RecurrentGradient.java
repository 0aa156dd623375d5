package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.RecurrentForward.Kind;
import io.github.landscape4j.surface.internal.RecurrentForward.Node;
import io.github.landscape4j.surface.internal.RecurrentLayers.Scratch;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: the gradient of a recurrent network's probe loss as DL4J's backward pass gives it (the output layers'
 * losses summed over examples and unmasked steps, no regularization; {@link ProbeModel#gradient} scales it), by
 * backpropagation through time over the nodes of {@link RecurrentForward}, in a handful of ND4J operations per time
 * step: the input products and the weight gradients of all steps are single matrix products.
 *
 * <p>Why: recurrent networks' Hessian-vector products are forward differences of double-precision gradients, and
 * DL4J's backward of a small seq2seq graph over 2,000 sequences took 3x as long (per-step and per-example operations).
 *
 * <p>The derivative is that of {@link RecurrentLayers#lstm}'s arithmetic (DL4J's): with {@code ĉ_t = f·c_{t-1} +
 * g·a}, {@code h_t = m_t·act(ĉ_t)·o} and {@code c_t = m_t·ĉ_t} for the step's mask {@code m_t}, {@code dĉ_t = m_t·(dh_t
 * ·o·act'(ĉ_t) + dc_t)}, {@code do = m_t·dh_t·act(ĉ_t)}, {@code df = dĉ_t·c_{t-1}}, {@code dg = dĉ_t·a}, {@code da =
 * dĉ_t·g}, {@code dc_{t-1} = dĉ_t·f}, and {@code dh_{t-1}} gains {@code dz_t·RWᵀ}; the activations' derivatives are
 * DL4J's own ({@code IActivation.backprop}), the output layers' errors DL4J's loss functions' ({@code
 * computeGradient} with the layer's mask). Covered: {@code LSTM} (not {@code GravesLSTM}'s peepholes), output layers
 * as network outputs, hidden dense layers, and the vertices {@link RecurrentForward} covers. The first gradient on a
 * probe is compared with DL4J's ({@link #gradient}); on a mismatch DL4J's backward is used from then on. (DL4J
 * 1.0.0-M2.1's {@code setLayerMaskArrays} leaves its LSTM layers without a mask: their states run over padded steps
 * and only the output layers' losses are masked, which both paths then do alike; the masked branch mirrors {@link
 * RecurrentLayers#lstm}'s, and the first call's check guards it.)
 */
final class RecurrentGradient {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.github.landscape4j");

    private final Model copy;
    private final List<Node> nodes;
    private final int[] outputs;
    private final Map<Probe, Scratch> scratch = new IdentityHashMap<>();
    private final Map<Probe, INDArray[]> labels = new IdentityHashMap<>();
    private String dropped;
    private long[] shape;

    private RecurrentGradient(Model copy, List<Node> nodes, int[] outputs) {
        this.copy = copy;
        this.nodes = nodes;
        this.outputs = outputs;
    }

    /** The gradient for the nodes of a {@link RecurrentForward} when they are covered, else null. */
    static RecurrentGradient of(Model copy, List<Node> nodes, int[] outputs) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            boolean output = isOutput(outputs, i);
            if (n.kind() == Kind.LSTM && n.layer().conf().getLayer().getClass()
                    != org.deeplearning4j.nn.conf.layers.LSTM.class
                    || n.kind() == Kind.RNN_OUTPUT && !output
                    || output && !(n.layer() != null && n.layer().conf().getLayer() instanceof BaseOutputLayer)) {
                return null;
            }
        }
        return new RecurrentGradient(copy, nodes, outputs);
    }

    private static boolean isOutput(int[] outputs, int node) {
        return java.util.Arrays.stream(outputs).anyMatch(o -> o == node);
    }

    /**
     * The gradient on {@code probe} at the copy's current parameters, as DL4J's backward gives it (a new array);
     * null where DL4J's must run: dropped, or {@code forward} has no inputs and masks for the probe. A probe's first
     * call also runs {@code reference} (DL4J's) and compares (relative 1e-3 in float, 1e-8 in double, of the largest
     * component); on a mismatch or a failure this path is dropped with one log line.
     */
    INDArray gradient(Probe probe, Scratch inputs, java.util.function.Supplier<INDArray> reference) {
        if (dropped != null || inputs == null) {
            return null;
        }
        try {
            boolean first = !scratch.containsKey(probe);
            INDArray dl4j = first ? reference.get() : null; // first: DL4J's backward also sets up the gradient views
            INDArray own = compute(probe, inputs);
            if (first) {
                shape = dl4j.shape();
                double tolerance = own.dataType() == DataType.DOUBLE ? 1e-8 : 1e-3;
                double scale = Math.max(1e-12, dl4j.amaxNumber().doubleValue());
                double error = own.reshape(shape).sub(dl4j).amaxNumber().doubleValue();
                if (!(error <= tolerance * scale)) {
                    return drop("differs from DL4J's gradient by " + error + " (largest component " + scale + ")");
                }
            }
            return own.reshape(shape); // DL4J's flattened gradient has its own shape
        } catch (RuntimeException e) {
            return drop("failed (" + e + ")");
        }
    }

    private INDArray drop(String why) {
        dropped = why;
        release();
        LOG.info("landscape4j: the fast recurrent gradient {} on this network; DL4J's backward is used", why);
        return null;
    }

    private INDArray compute(Probe probe, Scratch in) {
        if (!scratch.containsKey(probe) && scratch.size() >= 4) {
            release(); // a run's train and validation probes, and the previous snapshot's if they changed
        }
        Scratch s = scratch.computeIfAbsent(probe, p -> new Scratch());
        s.next = 0;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray flat = copy instanceof MultiLayerNetwork m ? m.getFlattenedGradients()
                    : ((ComputationGraph) copy).getFlattenedGradients();
            flat.assign(0);
            int count = nodes.size();
            INDArray[] values = new INDArray[count];
            INDArray[] pre = new INDArray[count]; // dense and output layers' pre-activations; an output's, then ∂L/∂z
            INDArray[][] cells = new INDArray[count][];
            for (int i = 0; i < count; i++) {
                values[i] = forward(nodes.get(i), i, values, pre, cells, in, s);
            }
            INDArray[] eps = new INDArray[count];
            for (int j = 0; j < outputs.length; j++) {
                int o = outputs[j];
                BaseOutputLayer conf = (BaseOutputLayer) nodes.get(o).layer().conf().getLayer();
                INDArray y2 = labels(probe, j, flat.dataType());
                INDArray mask = in.masks[o] == null ? null : in.masks[o].reshape(in.masks[o].length(), 1);
                INDArray z = pre[o].rank() == 3 ? pre[o].reshape(pre[o].size(0) * pre[o].size(1), pre[o].size(2))
                        : pre[o];
                pre[o] = conf.getLossFn().computeGradient(y2, s.next(z.dataType(), z.shape()).assign(z),
                        conf.getActivationFn(), mask);
            }
            for (int i = count - 1; i >= 0; i--) {
                backward(nodes.get(i), i, values, pre, cells, eps, in, s);
            }
            return flat.dup();
        }
    }

    /** Output {@code j}'s labels in the copy's type, time-major and flat ({@code [T·m, C]}) for a time series. */
    private INDArray labels(Probe probe, int j, DataType type) {
        INDArray[] all = labels.computeIfAbsent(probe, p -> new INDArray[outputs.length]);
        if (all[j] == null) {
            INDArray y = probe.labels()[j].castTo(type);
            all[j] = y.rank() == 3 ? y.permute(2, 0, 1).dup('c').reshape(y.size(2) * y.size(0), y.size(1)) : y;
        }
        return all[j];
    }

    private INDArray forward(Node n, int i, INDArray[] values, INDArray[] pre, INDArray[][] cells, Scratch in,
                             Scratch s) {
        INDArray x = n.inputs().length == 0 ? null : values[n.inputs()[0]];
        return switch (n.kind()) {
            case INPUT -> in.inputs[n.networkInput()];
            case LSTM -> RecurrentLayers.lstm(n.layer(), x, in.masks[i], s, cells[i] = new INDArray[3]);
            case RNN_OUTPUT, DENSE -> {
                INDArray x2 = x.rank() == 3 ? x.reshape(x.size(0) * x.size(1), x.size(2)) : x;
                INDArray w = n.layer().getParam("W");
                INDArray z = s.next(x.dataType(), x2.size(0), w.size(1));
                Nd4j.gemm(x2, w, z, false, false, 1.0, 0.0);
                z.addiRowVector(n.layer().getParam("b"));
                pre[i] = x.rank() == 3 ? z.reshape(x.size(0), x.size(1), w.size(1)) : z;
                INDArray a = s.next(x.dataType(), z.shape()).assign(z);
                activation(n.layer()).getActivation(a, false);
                yield x.rank() == 3 ? a.reshape(x.size(0), x.size(1), w.size(1)) : a;
            }
            case LAST_STEP -> RecurrentLayers.lastStep(x, in.lastSteps[i], s);
            case DUPLICATE -> RecurrentLayers.duplicate(x, in.inputs[n.networkInput()].size(0), s);
            case MERGE -> RecurrentLayers.merge(n.inputs(), values, s);
        };
    }

    private static IActivation activation(Layer l) {
        return ((org.deeplearning4j.nn.conf.layers.BaseLayer) l.conf().getLayer()).getActivationFn();
    }

    private void backward(Node n, int i, INDArray[] values, INDArray[] pre, INDArray[][] cells, INDArray[] eps,
                          Scratch in, Scratch s) {
        int[] inputs = n.inputs();
        switch (n.kind()) {
            case INPUT -> { }
            case RNN_OUTPUT, DENSE -> {
                INDArray x = values[inputs[0]];
                INDArray x2 = x.rank() == 3 ? x.reshape(x.size(0) * x.size(1), x.size(2)) : x;
                INDArray dz;
                if (isOutput(outputs, i)) {
                    dz = pre[i]; // the loss's error, set before
                } else {
                    if (eps[i] == null) {
                        return;
                    }
                    INDArray z = pre[i].rank() == 3 ? pre[i].reshape(x2.size(0), pre[i].size(2)) : pre[i];
                    INDArray e = eps[i].rank() == 3 ? eps[i].reshape(x2.size(0), eps[i].size(2)) : eps[i];
                    dz = activation(n.layer()).backprop(z.dup(), e.dup()).getFirst();
                }
                weightGradients(n.layer(), x2, dz);
                if (nodes.get(inputs[0]).kind() != Kind.INPUT) {
                    INDArray dx = s.next(dz.dataType(), dz.size(0), x2.size(1));
                    Nd4j.gemm(dz, n.layer().getParam("W"), dx, false, true, 1.0, 0.0);
                    add(eps, inputs[0], x.rank() == 3 ? dx.reshape(x.shape()) : dx);
                }
            }
            case LSTM -> LstmBackprop.backward(n.layer(), values[inputs[0]], values[i], eps[i], in.masks[i], cells[i], eps,
                    nodes.get(inputs[0]).kind() == Kind.INPUT ? -1 : inputs[0], s);
            case LAST_STEP -> {
                if (eps[i] == null) { // nothing reads it
                    return;
                }
                INDArray x = values[inputs[0]];
                long m = x.size(1);
                int[] rows = in.lastSteps[i];
                float[] last = new float[(int) (x.size(0) * m)]; // [T, m]: 1 at each example's last step
                for (int k = 0; k < rows.length; k++) {
                    last[rows[k]] = 1;
                }
                INDArray at = Nd4j.createFromArray(last).reshape(x.size(0), m).castTo(x.dataType());
                INDArray e = s.next(x.dataType(), x.shape());
                for (long t = 0; t < x.size(0); t++) { // each example's error back to its last step
                    LstmBackprop.step(e, t).assign(eps[i]).muliColumnVector(at.getRow(t).reshape(m, 1));
                }
                add(eps, inputs[0], e);
            }
            case DUPLICATE -> add(eps, inputs[0], eps[i] == null ? null : eps[i].sum(0));
            case MERGE -> {
                if (eps[i] == null) {
                    return;
                }
                int axis = eps[i].rank() - 1;
                long from = 0;
                for (int k : inputs) {
                    long w = values[k].size(axis);
                    add(eps, k, axis == 2 ? eps[i].get(NDArrayIndex.all(), NDArrayIndex.all(), // views: the
                            NDArrayIndex.interval(from, from + w)) : eps[i].get(NDArrayIndex.all(), // merge's error
                            NDArrayIndex.interval(from, from + w))); // is not read after this
                    from += w;
                }
            }
        }
    }

    /**
     * Puts {@code xᵀ·dz} and {@code Σ dz} into the layer's gradient views of {@code W} and {@code b} in the network's
     * flattened gradient (DL4J's own layout); returns the views by parameter name.
     */
    static Map<String, INDArray> weightGradients(Layer l, INDArray x, INDArray dz) {
        Map<String, INDArray> g = l.conf().getLayer().initializer().getGradientsFromFlattened(l.conf(),
                l.getGradientsViewArray());
        Nd4j.gemm(x, dz, g.get("W"), true, false, 1.0, 0.0);
        g.get("b").assign(dz.sum(0).reshape(g.get("b").shape()));
        return g;
    }

    static void add(INDArray[] eps, int node, INDArray e) {
        eps[node] = eps[node] == null || e == null ? (e == null ? eps[node] : e) : eps[node].addi(e);
    }

    /** Frees the buffers (after a snapshot). */
    void release() {
        scratch.clear();
        labels.clear();
    }
}
