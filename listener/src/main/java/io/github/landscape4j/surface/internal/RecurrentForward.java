package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.InputVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.github.landscape4j.surface.internal.RecurrentLayers.Scratch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: the inference forward of a recurrent network in a handful of ND4J operations per time step, on reused
 * buffers, for the evaluations that run one forward per point (grid points, slices, random sharpness).
 *
 * <p>Why: DL4J's own forward of a small seq2seq graph over a 2,000-sequence probe spends most of its time around the
 * arithmetic: each LSTM step multiplies that step's inputs by the input weights apart, allocates its gate arrays
 * afresh, and {@code LastTimeStepVertex} copies each example's last step with two operations per example (4,000
 * operations for 2,000 sequences). Here each time series is kept time-major ({@code [T, m, F]}, row-major), an LSTM's
 * input products of all steps are one matrix product, a step is one product with the recurrent weights into that
 * step's slab and eight element-wise operations, and the last step of each example is one row gather.
 *
 * <p>The arithmetic is DL4J's ({@code LSTMHelpers.activateHelper}): {@code z = x_t·W + h·RW + b} (in that order),
 * blocks {@code [a | f | o | g]} with the layer's activation on {@code a} and the gate activation on the rest,
 * {@code c = f·c + g·a}, {@code h = act(c)·o}, and on a masked step {@code h} and {@code c} multiplied by the step's
 * mask; a {@code GravesLSTM}'s peepholes as DL4J adds them. Output layers apply their activation per step and their
 * (label) mask, as DL4J's do; the masks each layer sees are DL4J's own, read from the copy after
 * {@code setLayerMaskArrays}. Covered: {@code LSTM} and {@code GravesLSTM} (NCW), {@code RnnOutputLayer} (NCW), dense
 * and output layers on the last step, {@code LastTimeStepVertex}, {@code DuplicateToTimeSeriesVertex} and
 * {@code MergeVertex} on the feature axis, without input preprocessors, in a MultiLayerNetwork or ComputationGraph
 * whose every input is a time series. Anything else: DL4J's forward. Before a probe's first use its outputs are
 * compared with DL4J's on it ({@link #output}); on a mismatch DL4J's forward is used from then on.
 */
final class RecurrentForward {
    enum Kind { INPUT, LSTM, RNN_OUTPUT, DENSE, LAST_STEP, DUPLICATE, MERGE }

    /** One vertex, in topological order: its kind, inputs (node indexes), layer, and the input it reads. */
    record Node(Kind kind, int[] inputs, Layer layer, int networkInput) {
    }

    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private final Model copy;
    private final List<Node> nodes;
    private final int[] outputs;
    /** DL4J's own forward of the copy, which a probe's first outputs are checked against. */
    private Function<Probe, INDArray[]> reference;
    private final Map<Probe, Scratch> scratch = new IdentityHashMap<>();
    /** Why this forward was dropped (a mismatch with DL4J's or a failure), or null. */
    private String dropped;
    /** The gradient by backpropagation through these nodes, built on first use; null: none or not yet. */
    private RecurrentGradient gradient;
    private boolean gradientChecked;

    private RecurrentForward(Model copy, List<Node> nodes, int[] outputs) {
        this.copy = copy;
        this.nodes = nodes;
        this.outputs = outputs;
    }

    /**
     * The fast forward of {@code copy} when every vertex is covered, else empty; {@code reference} is DL4J's forward
     * of the copy.
     */
    static Optional<RecurrentForward> of(Model copy, Function<Probe, INDArray[]> reference) {
        Optional<RecurrentForward> f = Optional.empty();
        try {
            if (copy instanceof MultiLayerNetwork m) {
                f = chain(m);
            } else if (copy instanceof ComputationGraph g) {
                f = graph(g);
            }
        } catch (RuntimeException e) { // a configuration this reading does not know: DL4J's forward
            return Optional.empty();
        }
        f.ifPresent(r -> r.reference = reference);
        return f;
    }

    private static Optional<RecurrentForward> chain(MultiLayerNetwork m) {
        if (m.getLayerWiseConfigurations().getInputPreProcessors() != null
                && !m.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            return Optional.empty();
        }
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(Kind.INPUT, new int[0], null, 0));
        boolean recurrent = false;
        for (Layer l : m.getLayers()) {
            Kind k = kind(l);
            if (k == null || k == Kind.DENSE) { // a chain has no last-step vertex: dense layers would see sequences
                return Optional.empty();
            }
            recurrent |= k == Kind.LSTM;
            nodes.add(new Node(k, new int[]{nodes.size() - 1}, l, -1));
        }
        return recurrent ? Optional.of(new RecurrentForward(m, nodes, new int[]{nodes.size() - 1})) : Optional.empty();
    }

    private static Optional<RecurrentForward> graph(ComputationGraph g) {
        GraphVertex[] vertices = g.getVertices();
        int[] order = g.topologicalSortOrder();
        int[] position = new int[vertices.length];
        List<Node> nodes = new ArrayList<>();
        boolean recurrent = false;
        List<String> inputNames = g.getConfiguration().getNetworkInputs();
        for (int vi : order) {
            GraphVertex v = vertices[vi];
            VertexIndices[] in = v.getInputVertices();
            int[] inputs = new int[in == null ? 0 : in.length];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = position[in[i].getVertexIndex()];
            }
            Node node;
            if (v instanceof InputVertex) {
                node = new Node(Kind.INPUT, inputs, null, inputNames.indexOf(v.getVertexName()));
            } else if (v instanceof LayerVertex lv) {
                Kind k = lv.getLayerPreProcessor() == null ? kind(lv.getLayer()) : null;
                if (k == null) {
                    return Optional.empty();
                }
                recurrent |= k == Kind.LSTM;
                node = new Node(k, inputs, lv.getLayer(), -1);
            } else {
                var conf = g.getConfiguration().getVertices().get(v.getVertexName());
                if (conf instanceof LastTimeStepVertex last && inputNames.contains(last.getMaskArrayInputName())) {
                    node = new Node(Kind.LAST_STEP, inputs, null, inputNames.indexOf(last.getMaskArrayInputName()));
                } else if (conf instanceof DuplicateToTimeSeriesVertex dup && inputNames.contains(dup.getInputName())) {
                    node = new Node(Kind.DUPLICATE, inputs, null, inputNames.indexOf(dup.getInputName()));
                } else if (conf instanceof MergeVertex merge && merge.getMergeAxis() == 1) {
                    node = new Node(Kind.MERGE, inputs, null, -1);
                } else {
                    return Optional.empty();
                }
            }
            position[vi] = nodes.size();
            nodes.add(node);
        }
        List<String> outs = g.getConfiguration().getNetworkOutputs();
        int[] outputs = new int[outs.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = position[g.getVertex(outs.get(i)).getVertexIndex()];
        }
        return recurrent ? Optional.of(new RecurrentForward(g, nodes, outputs)) : Optional.empty();
    }

    private static Kind kind(Layer l) {
        var c = l.conf().getLayer();
        if (c.getClass() == org.deeplearning4j.nn.conf.layers.LSTM.class
                || c.getClass() == org.deeplearning4j.nn.conf.layers.GravesLSTM.class) {
            return ((org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer) c).getRnnDataFormat() == RNNFormat.NWC
                    ? null : Kind.LSTM;
        }
        if (c.getClass() == org.deeplearning4j.nn.conf.layers.RnnOutputLayer.class) {
            var r = (org.deeplearning4j.nn.conf.layers.RnnOutputLayer) c;
            return r.getRnnDataFormat() == RNNFormat.NWC || !r.hasBias() ? null : Kind.RNN_OUTPUT;
        }
        if (c.getClass() == org.deeplearning4j.nn.conf.layers.DenseLayer.class) {
            var d = (org.deeplearning4j.nn.conf.layers.DenseLayer) c;
            return d.hasLayerNorm() || !d.hasBias() ? null : Kind.DENSE;
        }
        if (c.getClass() == org.deeplearning4j.nn.conf.layers.OutputLayer.class) {
            return ((org.deeplearning4j.nn.conf.layers.OutputLayer) c).hasBias() ? Kind.DENSE : null;
        }
        return null;
    }

    /** Whether it applies to {@code probe}: every input a time series ({@code [m, F, T]}) in the copy's type. */
    private boolean covers(Probe probe) {
        DataType t = copy.params().dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            return false;
        }
        for (INDArray f : probe.features()) {
            if (f.rank() != 3) {
                return false;
            }
        }
        return true;
    }

    /**
     * The network's outputs on {@code probe} at the copy's current parameters, shaped as DL4J's ({@code [m, C, T]}
     * for a time series), as new arrays; null where DL4J's forward must run: a probe not {@link #covers covered}, or
     * this forward dropped. A probe's first call also runs DL4J's forward and compares (relative 1e-4 in float,
     * 1e-9 in double, of the largest output); on a mismatch or a failure this forward is dropped with one log line.
     */
    INDArray[] output(Probe probe) {
        if (dropped != null || !covers(probe)) {
            return null;
        }
        try {
            boolean first = !scratch.containsKey(probe);
            INDArray[] own = compute(probe);
            if (first) {
                String mismatch = mismatch(own, reference.apply(probe));
                if (mismatch != null) {
                    return drop(mismatch);
                }
            }
            return own;
        } catch (RuntimeException e) {
            return drop("failed (" + e + ")");
        }
    }

    /**
     * The gradient of the probe loss at the copy's current parameters as DL4J's backward gives it ({@link
     * RecurrentGradient}; {@code reference} is DL4J's); null where DL4J's must run.
     */
    INDArray gradient(Probe probe, java.util.function.Supplier<INDArray> reference) {
        if (!gradientChecked) {
            gradientChecked = true;
            gradient = RecurrentGradient.of(copy, nodes, outputs);
        }
        return gradient == null || dropped != null || !covers(probe) ? null
                : gradient.gradient(probe, scratch(probe), reference);
    }

    private INDArray[] drop(String why) {
        dropped = why;
        scratch.clear();
        LOG.info("landscape4j: the fast recurrent forward {} on this network; DL4J's forward is used", why);
        return null;
    }

    private String mismatch(INDArray[] own, INDArray[] dl4j) {
        double tolerance = copy.params().dataType() == DataType.DOUBLE ? 1e-9 : 1e-4;
        for (int i = 0; i < dl4j.length; i++) {
            if (!java.util.Arrays.equals(own[i].shape(), dl4j[i].shape())) {
                return "gave output " + i + " the shape " + java.util.Arrays.toString(own[i].shape()) + ", not "
                        + java.util.Arrays.toString(dl4j[i].shape());
            }
            double scale = Math.max(1.0, dl4j[i].amaxNumber().doubleValue());
            double error = own[i].castTo(DataType.DOUBLE).sub(dl4j[i].castTo(DataType.DOUBLE)).amaxNumber()
                    .doubleValue(); // sub, not subi: castTo returns a double array itself
            if (!(error <= tolerance * scale)) {
                return "differs from DL4J's output " + i + " by " + error;
            }
        }
        return null;
    }

    private INDArray[] compute(Probe probe) {
        Scratch s = scratch(probe);
        s.next = 0;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray[] values = new INDArray[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                values[i] = forward(nodes.get(i), i, values, s);
            }
            INDArray[] out = new INDArray[outputs.length];
            for (int i = 0; i < out.length; i++) {
                INDArray v = values[outputs[i]];
                out[i] = v.rank() == 3 ? v.permute(1, 2, 0).dup('c') : v.dup('c');
            }
            return out;
        }
    }

    private INDArray forward(Node n, int index, INDArray[] values, Scratch s) {
        return switch (n.kind()) {
            case INPUT -> s.inputs[n.networkInput()];
            case LSTM -> RecurrentLayers.lstm(n.layer(), values[n.inputs()[0]], s.masks[index], s);
            case RNN_OUTPUT -> RecurrentLayers.rnnOutput(n.layer(), values[n.inputs()[0]], s.masks[index], s);
            case DENSE -> RecurrentLayers.dense(n.layer(), values[n.inputs()[0]], s);
            case LAST_STEP -> RecurrentLayers.lastStep(values[n.inputs()[0]], s.lastSteps[index], s);
            case DUPLICATE -> RecurrentLayers.duplicate(values[n.inputs()[0]], s.inputs[n.networkInput()].size(0), s);
            case MERGE -> RecurrentLayers.merge(n.inputs(), values, s);
        };
    }

    private Scratch scratch(Probe probe) {
        if (!scratch.containsKey(probe) && scratch.size() >= 4) {
            scratch.clear(); // a run's train and validation probes, and the previous snapshot's if they changed
        }
        return scratch.computeIfAbsent(probe, this::prepare);
    }

    /** Inputs time-major in the copy's type, and the masks each layer sees (DL4J's, read from the copy). */
    private Scratch prepare(Probe probe) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            DataType type = copy.params().dataType();
            Scratch s = new Scratch();
            INDArray[] features = probe.features();
            s.inputs = new INDArray[features.length];
            for (int i = 0; i < features.length; i++) {
                s.inputs[i] = features[i].castTo(type).permute(2, 0, 1).dup('c');
            }
            s.masks = new INDArray[nodes.size()];
            s.lastSteps = new int[nodes.size()][];
            INDArray[] fm = probe.featureMasks();
            INDArray[] lm = probe.labelMasks();
            setMasks(fm, lm);
            try {
                for (int i = 0; i < nodes.size(); i++) {
                    Node n = nodes.get(i);
                    if (n.layer() != null && n.layer().getMaskArray() != null
                            && n.kind() != Kind.DENSE) {
                        s.masks[i] = timeMajor(n.layer().getMaskArray(), type);
                    }
                    if (n.kind() == Kind.LAST_STEP) {
                        INDArray mask = fm == null ? null : fm[n.networkInput()];
                        s.lastSteps[i] = lastRows(mask, features[n.networkInput()]);
                    }
                }
            } finally {
                clearMasks();
            }
            return s;
        }
    }

    private void setMasks(INDArray[] fm, INDArray[] lm) {
        if (copy instanceof MultiLayerNetwork m) {
            m.setLayerMaskArrays(fm == null ? null : fm[0], lm == null ? null : lm[0]);
        } else {
            ((ComputationGraph) copy).setLayerMaskArrays(fm, lm);
        }
    }

    private void clearMasks() {
        if (copy instanceof MultiLayerNetwork m) {
            m.clearLayerMaskArrays();
        } else {
            ((ComputationGraph) copy).clearLayerMaskArrays();
        }
    }

    /** A per-step mask {@code [m, T]} as {@code [T, m]}; null for a per-output mask (not covered: checked after). */
    private static INDArray timeMajor(INDArray mask, DataType type) {
        if (mask.rank() != 2) {
            throw new IllegalStateException("per-output mask " + java.util.Arrays.toString(mask.shape()));
        }
        return mask.castTo(type).transpose().dup('c');
    }

    /**
     * The row of each example's last step in a time-major {@code [T·m, F]} array: DL4J's {@code LastTimeStepVertex}
     * takes the last step whose mask is not zero (argmax of {@code mask·[0..T-1]}: step 0 for an all-zero mask), or
     * the last step without a mask.
     */
    private static int[] lastRows(INDArray mask, INDArray features) {
        int m = (int) features.size(0);
        int steps = (int) features.size(2);
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            int last = steps - 1;
            if (mask != null) {
                last = 0;
                for (int t = 0; t < steps; t++) {
                    if (mask.getDouble(i, t) != 0) {
                        last = t;
                    }
                }
            }
            rows[i] = last * m + i;
        }
        return rows;
    }

    /** Frees the buffers (after a snapshot). */
    void release() {
        scratch.clear();
        if (gradient != null) {
            gradient.release();
        }
    }
}
