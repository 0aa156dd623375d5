package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.LayerHelpers;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Internal: a MultiLayerNetwork as {@link ExactChain} takes it: per hidden layer its kind, input preprocessor,
 * activation and pooling window, and the output's loss; with the layer-level operations the chain shares.
 */
record ChainSteps(List<ChainSteps.Step> steps, MlpChain.Loss loss) {

    enum Kind { LINEAR, MAX_POOL, AVG_POOL, ACTIVATION }

    /** Layer {@code index} with its input preprocessor (null: none), activation and, for max pooling, its window. */
    record Step(int index, Kind kind, InputPreProcessor pre, IActivation activation, MlpChain.Curve curve,
                        int[] window, boolean nhwc) {
    }

    /** The steps of {@code net}, when it is a network {@link ExactChain} covers. */
    static Optional<ChainSteps> of(MultiLayerNetwork net) {
        if (net.getnLayers() < 2) {
            return Optional.empty();
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < net.getnLayers() - 1; i++) {
            org.deeplearning4j.nn.conf.layers.Layer l = net.getLayer(i).conf().getLayer();
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null && !(pre instanceof CnnToFeedForwardPreProcessor)
                    && !(pre instanceof FeedForwardToCnnPreProcessor)) {
                return Optional.empty(); // reshapes only
            }
            Step s = step(i, l, pre);
            if (s == null) {
                return Optional.empty();
            }
            steps.add(s);
        }
        int last = net.getnLayers() - 1;
        InputPreProcessor outPre = conf.getInputPreProcess(last);
        if (!(net.getLayer(last).conf().getLayer() instanceof OutputLayer o) || o.getClass() != OutputLayer.class
                || (outPre != null && !(outPre instanceof CnnToFeedForwardPreProcessor))) {
            return Optional.empty();
        }
        MlpChain.Loss loss = MlpChain.lossOf(o.getActivationFn(), o.getLossFn());
        return loss == null ? Optional.empty() : Optional.of(new ChainSteps(List.copyOf(steps), loss));
    }

    private static Step step(int i, org.deeplearning4j.nn.conf.layers.Layer l, InputPreProcessor pre) {
        if (l.getClass() == ConvolutionLayer.class || (l.getClass() == DenseLayer.class && !((DenseLayer) l).hasLayerNorm())) {
            IActivation a = ((BaseLayer) l).getActivationFn();
            MlpChain.Curve c = MlpChain.curveOf(a);
            return c == null ? null : new Step(i, Kind.LINEAR, pre, a, c, null, false);
        }
        if (l.getClass() == ActivationLayer.class) {
            IActivation a = ((ActivationLayer) l).getActivationFn();
            MlpChain.Curve c = MlpChain.curveOf(a);
            return c == null ? null : new Step(i, Kind.ACTIVATION, pre, a, c, null, false);
        }
        if (l.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) l;
            boolean nhwc = s.getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
            if (s.getPoolingType() == PoolingType.AVG) {
                return new Step(i, Kind.AVG_POOL, pre, null, null, null, nhwc);
            }
            boolean tiles = s.getPoolingType() == PoolingType.MAX && Arrays.equals(s.getKernelSize(), s.getStride())
                    && Arrays.stream(s.getPadding()).allMatch(p -> p == 0)
                    && Arrays.stream(s.getDilation()).allMatch(d -> d == 1)
                    && (s.getConvolutionMode() == ConvolutionMode.Truncate
                    || s.getConvolutionMode() == ConvolutionMode.Strict);
            return tiles ? new Step(i, Kind.MAX_POOL, pre, null, null, s.getKernelSize(), nhwc) : null;
        }
        return null;
    }

    /** A private copy of {@code net} whose parametrized layers have identity activations (pre-activations out). */
    static MultiLayerNetwork twin(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (int i = 0; i < conf.getConfs().size() - 1; i++) {
            if (conf.getConf(i).getLayer() instanceof BaseLayer b) {
                b.setActivationFn(new ActivationIdentity());
            }
        }
        MultiLayerNetwork t = new MultiLayerNetwork(conf);
        t.init(net.params().dup().reshape(1, net.params().length()), false);
        t.initGradientsView();
        LayerHelpers.install(t);
        return t;
    }

    /** The sum of {@code x} (a pooling's input shape) over each window of step {@code s}, in {@code pooled}'s shape. */
    static INDArray windows(Step s, INDArray x, INDArray pooled) {
        int kh = s.window()[0];
        int kw = s.window()[1];
        long n = x.size(0);
        if (!s.nhwc()) {
            long c = x.size(1);
            long ho = pooled.size(2);
            long wo = pooled.size(3);
            INDArray crop = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, ho * kh),
                    NDArrayIndex.interval(0, wo * kw)).dup('c');
            return crop.reshape('c', n, c, ho, kh, wo, kw).sum(3, 5);
        }
        long ho = pooled.size(1);
        long wo = pooled.size(2);
        long c = x.size(3);
        INDArray crop = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ho * kh), NDArrayIndex.interval(0, wo * kw),
                NDArrayIndex.all()).dup('c');
        return crop.reshape('c', n, ho, kh, wo, kw, c).sum(2, 4);
    }

    static long offset(MultiLayerNetwork net, int index) {
        long from = 0;
        for (int i = 0; i < index; i++) {
            from += net.getLayer(i).numParams();
        }
        return from;
    }

}
