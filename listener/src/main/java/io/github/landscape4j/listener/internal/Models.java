package io.github.landscape4j.listener.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Internal: what landscape4j needs from a DL4J model, for both MultiLayerNetwork and ComputationGraph. */
public final class Models {

    private Models() {
    }

    /** Whether landscape4j can watch this model. */
    public static boolean supported(Model model) {
        return model instanceof MultiLayerNetwork || model instanceof ComputationGraph;
    }

    public static String kind(Model model) {
        return model.getClass().getSimpleName();
    }

    /**
     * The model's configuration as JSON, made later (e.g. on a writer thread) from a copy taken now: DL4J's first
     * {@code toJson()} in a JVM builds its Jackson mappers (~0.9 s here), which the training thread should not pay.
     */
    public static Supplier<String> configJsonLater(Model model) {
        if (model instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration copy = m.getLayerWiseConfigurations().clone();
            return copy::toJson;
        }
        if (model instanceof ComputationGraph g) {
            ComputationGraphConfiguration copy = g.getConfiguration().clone();
            return copy::toJson;
        }
        throw unsupported(model);
    }

    public static int iterationCount(Model model) {
        if (model instanceof MultiLayerNetwork m) {
            return m.getIterationCount();
        }
        if (model instanceof ComputationGraph g) {
            return g.getIterationCount();
        }
        throw unsupported(model);
    }

    /** Learning rate of the first layer that has one, or NaN. */
    public static double learningRate(Model model) {
        if (model instanceof MultiLayerNetwork m) {
            for (int i = 0; i < m.getnLayers(); i++) {
                Double lr = m.getLearningRate(i);
                if (lr != null) {
                    return lr;
                }
            }
        } else if (model instanceof ComputationGraph g) {
            for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
                Double lr = g.getLearningRate(l.conf().getLayer().getLayerName());
                if (lr != null) {
                    return lr;
                }
            }
        }
        return Double.NaN;
    }

    /**
     * The divisor DL4J's updater applies to the gradient: the minibatch size when the network is configured as
     * mini-batch (the default), else 1. Dividing the raw gradient by it gives the gradient of the mean loss.
     */
    public static int gradientDivisor(Model model) {
        boolean miniBatch = model.conf() == null || model.conf().isMiniBatch();
        int batch = model.batchSize();
        return miniBatch && batch > 0 ? batch : 1;
    }

    /** The parameter tensors with their offsets in {@code model.params()}, in flattened order. */
    public static List<ParameterTensor> tensors(Model model) {
        INDArray flat = model.params();
        List<ParameterTensor> out = new ArrayList<>();
        long next = 0;
        for (Map.Entry<String, INDArray> e : model.paramTable().entrySet()) {
            INDArray v = e.getValue();
            long offset = v.data() == flat.data() ? v.offset() - flat.offset() : next;
            out.add(new ParameterTensor(e.getKey(), offset, v.shape()));
            next = offset + v.length();
        }
        out.sort(java.util.Comparator.comparingLong(ParameterTensor::offset));
        long expect = 0;
        for (ParameterTensor t : out) {
            if (t.offset() != expect) {
                throw new IllegalStateException("parameter tensor " + t + " does not follow the previous one at "
                        + expect + " in the flattened parameters of " + kind(model));
            }
            expect += t.length();
        }
        if (expect != flat.length()) {
            throw new IllegalStateException("parameter tensors cover " + expect + " of " + flat.length()
                    + " parameters of " + kind(model));
        }
        return out;
    }

    private static IllegalArgumentException unsupported(Model model) {
        return new IllegalArgumentException("landscape4j watches MultiLayerNetwork and ComputationGraph, not "
                + model.getClass().getName());
    }
}
