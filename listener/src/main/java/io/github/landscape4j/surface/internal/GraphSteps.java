package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.LayerHelpers;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Internal: a ComputationGraph as {@link ExactGraph} takes it: its vertices in topological order (the network input
 * and the output layer apart), each with its kind, inputs, input preprocessor, activation and parameter offsets, and
 * the output layer's loss. Taken: one input, one {@link OutputLayer} output; convolution and dense layers (their
 * activation tanh, the sigmoid or piecewise linear), activation layers, batch norm (NCHW or dense, learned gamma and
 * beta), average pooling and global average or sum pooling, max pooling whose windows tile the input (stride =
 * kernel, no padding or dilation), element-wise add, subtract and average vertices, scale vertices, and merge vertices
 * along the channel axis; input preprocessors that only reshape between convolutional and dense activations.
 */
record GraphSteps(List<GraphSteps.Node> nodes, int outputInput, InputPreProcessor outputPre, String outputName,
                  MlpChain.Loss loss) {

    /** What a vertex computes: the network input is {@link #INPUT}, never a node of the list. */
    enum Kind { LINEAR, ACTIVATION, BATCH_NORM, MAX_POOL, LINEAR_MAP, SUM, MERGE }

    /** The network input's position in {@link Node#inputs()}. */
    static final int INPUT = -1;

    /**
     * One vertex: its inputs (positions in the node list, or {@link #INPUT}), its layer's preprocessor, activation and
     * curve (LINEAR and ACTIVATION), max pooling's window, a sum's coefficients, the offset of its layer's parameters
     * in the flattened vector (-1: none) and, for batch norm, of gamma and beta and its epsilon.
     */
    record Node(String name, Kind kind, int[] inputs, InputPreProcessor pre, IActivation activation,
                MlpChain.Curve curve, int[] window, double[] coefficients, long offset, long gamma, long beta,
                double eps, boolean logStd) {
    }

    /** The steps of {@code g}, when it is a network {@link ExactGraph} covers. */
    static Optional<GraphSteps> of(ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            return Optional.empty();
        }
        String input = conf.getNetworkInputs().get(0);
        String output = conf.getNetworkOutputs().get(0);
        Map<String, Long> offsets = new HashMap<>();
        for (ParameterTensor t : Models.tensors(g)) {
            offsets.put(t.name(), t.offset());
        }
        Map<String, Integer> position = new HashMap<>();
        position.put(input, INPUT);
        List<Node> nodes = new ArrayList<>();
        org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = g.getVertices();
        for (int idx : g.topologicalSortOrder()) {
            String name = vertices[idx].getVertexName();
            if (name.equals(input) || name.equals(output)) {
                continue;
            }
            List<String> from = conf.getVertexInputs().get(name);
            if (from == null || from.isEmpty() || from.contains(output)) {
                return Optional.empty();
            }
            int[] inputs = new int[from.size()];
            for (int i = 0; i < inputs.length; i++) {
                Integer p = position.get(from.get(i));
                if (p == null) {
                    return Optional.empty();
                }
                inputs[i] = p;
            }
            Node n = node(name, conf.getVertices().get(name), inputs, offsets, block(g, name, offsets));
            if (n == null) {
                return Optional.empty();
            }
            position.put(name, nodes.size());
            nodes.add(n);
        }
        List<String> outFrom = conf.getVertexInputs().get(output);
        if (!(conf.getVertices().get(output) instanceof LayerVertex ov) || outFrom == null || outFrom.size() != 1
                || !position.containsKey(outFrom.get(0)) || position.get(outFrom.get(0)) == INPUT
                || !(ov.getLayerConf().getLayer() instanceof OutputLayer o) || o.getClass() != OutputLayer.class
                || !reshapes(ov.getPreProcessor()) || ov.getPreProcessor() instanceof FeedForwardToCnnPreProcessor) {
            return Optional.empty();
        }
        MlpChain.Loss loss = MlpChain.lossOf(o.getActivationFn(), o.getLossFn());
        return loss == null ? Optional.empty() : Optional.of(new GraphSteps(List.copyOf(nodes),
                position.get(outFrom.get(0)), ov.getPreProcessor(), output, loss));
    }

    /** Where the parameters of layer {@code name} start in the flattened vector; -1: it has none. */
    private static long block(ComputationGraph g, String name, Map<String, Long> offsets) {
        org.deeplearning4j.nn.api.Layer layer = g.getVertex(name).hasLayer() ? g.getLayer(name) : null;
        return layer == null ? -1 : layer.paramTable().keySet().stream().map(k -> offsets.get(name + "_" + k))
                .filter(java.util.Objects::nonNull).min(Long::compare).orElse(-1L);
    }

    private static Node node(String name, GraphVertex v, int[] inputs, Map<String, Long> offsets, long block) {
        if (v instanceof ElementWiseVertex e) {
            double[] c = switch (e.getOp()) {
                case Add -> filled(inputs.length, 1);
                case Average -> filled(inputs.length, 1.0 / inputs.length);
                case Subtract -> inputs.length == 2 ? new double[]{1, -1} : null;
                default -> null; // product and max are not linear
            };
            return c == null ? null : new Node(name, Kind.SUM, inputs, null, null, null, null, c, -1, -1, -1, 0, false);
        }
        if (v instanceof ScaleVertex s) {
            return inputs.length != 1 ? null : new Node(name, Kind.SUM, inputs, null, null, null, null,
                    new double[]{s.getScaleFactor()}, -1, -1, -1, 0, false);
        }
        if (v instanceof MergeVertex m) {
            return m.getMergeAxis() != 1 ? null
                    : new Node(name, Kind.MERGE, inputs, null, null, null, null, null, -1, -1, -1, 0, false);
        }
        if (!(v instanceof LayerVertex lv) || inputs.length != 1 || !reshapes(lv.getPreProcessor())) {
            return null;
        }
        org.deeplearning4j.nn.conf.layers.Layer l = lv.getLayerConf().getLayer();
        InputPreProcessor pre = lv.getPreProcessor();
        if (l.getClass() == ConvolutionLayer.class
                || (l.getClass() == DenseLayer.class && !((DenseLayer) l).hasLayerNorm())) {
            IActivation a = ((BaseLayer) l).getActivationFn();
            MlpChain.Curve c = MlpChain.curveOf(a);
            return c == null || block < 0 ? null
                    : new Node(name, Kind.LINEAR, inputs, pre, a, c, null, null, block, -1, -1, 0, false);
        }
        if (l.getClass() == ActivationLayer.class) {
            IActivation a = ((ActivationLayer) l).getActivationFn();
            MlpChain.Curve c = MlpChain.curveOf(a);
            return c == null ? null : new Node(name, Kind.ACTIVATION, inputs, pre, a, c, null, null, -1, -1, -1, 0, false);
        }
        if (l.getClass() == BatchNormalization.class) {
            BatchNormalization b = (BatchNormalization) l;
            Long gamma = offsets.get(name + "_gamma");
            Long beta = offsets.get(name + "_beta");
            if (b.isLockGammaBeta() || b.getCnn2DFormat() == CNN2DFormat.NHWC || gamma == null || beta == null) {
                return null;
            }
            return new Node(name, Kind.BATCH_NORM, inputs, pre, null, null, null, null, block, gamma, beta,
                    b.getEps(), b.isUseLogStd());
        }
        if (l.getClass() == GlobalPoolingLayer.class) {
            GlobalPoolingLayer p = (GlobalPoolingLayer) l;
            boolean linear = p.getPoolingType() == PoolingType.AVG || p.getPoolingType() == PoolingType.SUM;
            return linear ? new Node(name, Kind.LINEAR_MAP, inputs, pre, null, null, null, null, -1, -1, -1, 0, false)
                    : null;
        }
        if (l.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) l;
            if (s.getCnn2dDataFormat() == CNN2DFormat.NHWC) {
                return null;
            }
            if (s.getPoolingType() == PoolingType.AVG) {
                return new Node(name, Kind.LINEAR_MAP, inputs, pre, null, null, null, null, -1, -1, -1, 0, false);
            }
            boolean tiles = s.getPoolingType() == PoolingType.MAX && Arrays.equals(s.getKernelSize(), s.getStride())
                    && Arrays.stream(s.getPadding()).allMatch(p -> p == 0)
                    && Arrays.stream(s.getDilation()).allMatch(d -> d == 1)
                    && s.getConvolutionMode() != ConvolutionMode.Causal; // Same: checked at the centre (no padding)
            return tiles ? new Node(name, Kind.MAX_POOL, inputs, pre, null, null, s.getKernelSize(), null, -1, -1, -1,
                    0, false) : null;
        }
        return null;
    }

    /** Whether every layer of {@code net} is of a kind {@link #of} may take (before putting it in graph form). */
    static boolean takes(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net) {
        return Arrays.stream(net.getLayers()).map(l -> l.conf().getLayer().getClass()).allMatch(c -> c == ConvolutionLayer.class
                || c == DenseLayer.class || c == ActivationLayer.class || c == BatchNormalization.class
                || c == GlobalPoolingLayer.class || c == SubsamplingLayer.class || c == OutputLayer.class);
    }

    private static boolean reshapes(InputPreProcessor pre) {
        return pre == null || pre instanceof CnnToFeedForwardPreProcessor || pre instanceof FeedForwardToCnnPreProcessor;
    }

    private static double[] filled(int n, double value) {
        double[] c = new double[n];
        Arrays.fill(c, value);
        return c;
    }

    /** A private copy of {@code g} whose hidden parametrized layers have identity activations (pre-activations out). */
    static ComputationGraph twin(ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer b
                    && !(b instanceof BaseOutputLayer)) {
                b.setActivationFn(new ActivationIdentity());
            }
        }
        ComputationGraph t = new ComputationGraph(conf);
        t.init(g.params().dup().reshape(1, g.params().length()), false);
        t.initGradientsView();
        LayerHelpers.install(t);
        return t;
    }
}
