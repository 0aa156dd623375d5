package io.github.landscape4j.engine.internal;

import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.engine.PluginScope;
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

/**
 * Internal: the one adapter between landscape4j and DL4J's two network types, MultiLayerNetwork and
 * ComputationGraph: every place that must tell them apart asks here.
 */
public final class Models {

    private Models() {
    }

    /** Whether landscape4j can watch this model. */
    public static boolean supported(Model model) {
        return model instanceof MultiLayerNetwork || model instanceof ComputationGraph;
    }

    /** @throws IllegalArgumentException naming the model's class when it is neither type */
    public static void requireSupported(Model model) {
        if (!supported(model)) {
            throw unsupported(model);
        }
    }

    /** A model saved with {@code ModelSerializer}: a MultiLayerNetwork or ComputationGraph zip. */
    public static Model restore(java.nio.file.Path file) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException("model file " + file + " does not exist or is not a file");
        }
        try {
            return org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (Exception notMultiLayer) {
            try {
                return org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(file.toFile(), false);
            } catch (Exception notGraph) {
                java.io.IOException e = new java.io.IOException("model file " + file + " is neither a MultiLayerNetwork"
                        + " nor a ComputationGraph saved by DL4J's ModelSerializer: " + notGraph.getMessage());
                e.addSuppressed(notMultiLayer);
                throw e;
            }
        }
    }

    /**
     * The network of {@code modelClass} (simple or full name of MultiLayerNetwork or ComputationGraph) with DL4J
     * configuration JSON {@code configJson}, initialized with {@code params} (copied).
     */
    public static Model fromConfig(String modelClass, String configJson, INDArray params) {
        String simple = modelClass.substring(modelClass.lastIndexOf('.') + 1);
        return PluginScope.call(() -> {
            if (simple.equals("MultiLayerNetwork")) {
                MultiLayerNetwork n = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
                n.init(params.reshape(1, params.length()).dup(), false);
                return n;
            }
            if (simple.equals("ComputationGraph")) {
                ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(configJson));
                g.init(params.reshape(1, params.length()).dup(), false);
                return g;
            }
            throw new IllegalArgumentException("model class " + modelClass
                    + ": must be MultiLayerNetwork or ComputationGraph");
        });
    }

    /**
     * A private copy of {@code model} in its own data type or in {@code dataType}, built from a clone of the
     * configuration and a copy of the parameters (not with {@code clone()}: a cloned ComputationGraph shares the
     * original's listener list, and the updater state is not needed). Made inside {@link PluginScope}, so the agent
     * leaves it alone.
     */
    public static Model copy(Model model, org.nd4j.linalg.api.buffer.DataType dataType) {
        return PluginScope.call(() -> {
            if (model instanceof MultiLayerNetwork m) {
                MultiLayerConfiguration conf = m.getLayerWiseConfigurations().clone();
                conf.setDataType(dataType == null ? conf.getDataType() : dataType);
                MultiLayerNetwork n = new MultiLayerNetwork(conf);
                n.init(m.params().castTo(conf.getDataType()).dup(), false);
                return n;
            }
            if (model instanceof ComputationGraph g) {
                ComputationGraphConfiguration conf = g.getConfiguration().clone();
                conf.setDataType(dataType == null ? conf.getDataType() : dataType);
                ComputationGraph n = new ComputationGraph(conf);
                n.init(g.params().castTo(conf.getDataType()).dup(), false);
                return n;
            }
            throw unsupported(model);
        });
    }

    /** The model's layers. */
    public static org.deeplearning4j.nn.api.Layer[] layers(Model model) {
        if (model instanceof MultiLayerNetwork n) {
            return n.getLayers();
        }
        if (model instanceof ComputationGraph g) {
            return g.getLayers();
        }
        throw unsupported(model);
    }

    /** The model's output layers, in output order. */
    public static List<org.deeplearning4j.nn.api.Layer> outputLayers(Model model) {
        if (model instanceof MultiLayerNetwork n) {
            return List.of(n.getOutputLayer());
        }
        if (model instanceof ComputationGraph g) {
            List<org.deeplearning4j.nn.api.Layer> out = new ArrayList<>();
            for (int i = 0; i < g.getNumOutputArrays(); i++) {
                out.add(g.getOutputLayer(i));
            }
            return out;
        }
        throw unsupported(model);
    }

    /** The network's outputs for {@code features} (one per input) in inference mode, as new arrays. */
    public static INDArray[] output(Model model, INDArray[] features) {
        return output(model, features, null, null);
    }

    /**
     * The network's outputs in inference mode, as new arrays, with feature and label masks (RNN padding; {@code
     * null} or null entries where there are none).
     */
    public static INDArray[] output(Model model, INDArray[] features, INDArray[] featureMasks,
                                    INDArray[] labelMasks) {
        if (model instanceof MultiLayerNetwork m) {
            return new INDArray[]{m.output(features[0], false, first(featureMasks), first(labelMasks))};
        }
        if (model instanceof ComputationGraph g) {
            return featureMasks == null && labelMasks == null ? g.output(false, features)
                    : g.output(false, features, featureMasks, labelMasks);
        }
        throw unsupported(model);
    }

    private static INDArray first(INDArray[] a) {
        return a == null || a.length == 0 ? null : a[0];
    }

    /**
     * The minibatch the model is training on, read in {@code onGradientCalculation} (inputs, labels and masks are
     * set then; the model's own arrays, not copies); null when it has none.
     *
     * @param features     one per input
     * @param labels       one per output
     * @param featureMasks one per input, entries null when unmasked; null when none
     * @param labelMasks   one per output, likewise
     */
    public record Batch(INDArray[] features, INDArray[] labels, INDArray[] featureMasks, INDArray[] labelMasks) {
    }

    /** See {@link Batch}. */
    public static Batch currentBatch(Model model) {
        INDArray[] x;
        INDArray[] y;
        INDArray[] fm;
        INDArray[] lm;
        if (model instanceof MultiLayerNetwork m) {
            x = new INDArray[]{m.getInput()};
            y = new INDArray[]{m.getLabels()};
            INDArray f = m.getMask() != null ? m.getMask() : m.getLayer(0).getMaskArray();
            INDArray l = m.getOutputLayer().getMaskArray();
            if (l != null && y[0] != null && y[0].rank() == 3 && l.rank() == 2 && l.size(1) == 1) {
                // an RNN output layer keeps its [n, T] mask as a column in 'f' order (TimeSeriesUtils)
                long n = y[0].size(0);
                l = l.reshape('f', n, l.length() / n);
            }
            fm = f == null ? null : new INDArray[]{f};
            lm = l == null ? null : new INDArray[]{l};
        } else if (model instanceof ComputationGraph g) {
            x = g.getInputs();
            y = graphLabels(g);
            fm = g.getInputMaskArrays();
            lm = g.getLabelMaskArrays();
        } else {
            return null;
        }
        if (x == null || y == null || x.length == 0 || y.length == 0 || x[0] == null || y[0] == null) {
            return null;
        }
        return new Batch(x, y, fm, lm);
    }

    /**
     * ComputationGraph keeps its labels in a protected field and has no getter in DL4J 1.0.0-M2.1 (its output layers'
     * labels are cleared after backpropagation), so the field is read reflectively; null when that fails.
     */
    private static INDArray[] graphLabels(ComputationGraph g) {
        try {
            java.lang.reflect.Field f = ComputationGraph.class.getDeclaredField("labels");
            f.setAccessible(true);
            return (INDArray[]) f.get(g);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The raw gradient (summed over examples, as DL4J's backpropagation gives it, without regularization terms
     * divided) of the loss on {@code features}/{@code labels} at the model's parameters, as a new array; the model's
     * input, labels and gradient buffers are cleared afterwards. Training-mode backpropagation.
     */
    public static INDArray gradient(Model model, INDArray[] features, INDArray[] labels) {
        return gradient(model, features, labels, null, null);
    }

    /** As {@link #gradient(Model, INDArray[], INDArray[])}, with feature and label masks (null: none). */
    public static INDArray gradient(Model model, INDArray[] features, INDArray[] labels, INDArray[] featureMasks,
                                    INDArray[] labelMasks) {
        if (model instanceof MultiLayerNetwork m) {
            m.setInput(features[0]);
            m.setLabels(labels[0]);
            m.setLayerMaskArrays(first(featureMasks), first(labelMasks));
            m.computeGradientAndScore();
            INDArray g = m.gradient().gradient().dup();
            m.clearLayerMaskArrays();
            m.clear();
            return g;
        }
        if (model instanceof ComputationGraph g) {
            g.setInputs(features);
            g.setLabels(labels);
            g.setLayerMaskArrays(featureMasks, labelMasks);
            g.computeGradientAndScore();
            INDArray grad = g.gradient().gradient().dup();
            g.clearLayerMaskArrays();
            g.clear();
            return grad;
        }
        throw unsupported(model);
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
        Map<String, String> roles = roles(model);
        List<ParameterTensor> out = new ArrayList<>();
        long next = 0;
        for (Map.Entry<String, INDArray> e : model.paramTable().entrySet()) {
            INDArray v = e.getValue();
            // a view of the flattened vector: the same buffer object (MultiLayerNetwork) or another wrapper of the same
            // memory (ComputationGraph); its offset then says where it is, which for a graph whose vertices were added
            // out of topological order is not where the parameter table's order would put it
            boolean view = v.data() == flat.data() || (v.data().address() != 0 && v.data().address() == flat.data().address());
            long offset = view ? v.offset() - flat.offset() : next;
            out.add(new ParameterTensor(e.getKey(), offset, v.shape(), roles.get(e.getKey())));
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

    /**
     * Each parameter key's role from its layer's metadata: batch-norm layers' gamma/beta and running statistics,
     * else what the layer's parameter initializer calls a weight or a bias; a parameter that is neither (e.g. a
     * layer-norm gain) is a normalization weight, moved like batch-norm gamma.
     */
    private static Map<String, String> roles(Model model) {
        Map<String, String> roles = new java.util.HashMap<>();
        org.deeplearning4j.nn.api.Layer[] layers = layers(model);
        for (int i = 0; i < layers.length; i++) {
            org.deeplearning4j.nn.api.Layer l = layers[i];
            org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
            String prefix = (model instanceof MultiLayerNetwork ? Integer.toString(i) : conf.getLayerName()) + "_";
            for (String key : l.paramTable().keySet()) {
                roles.put(prefix + key, role(conf, key));
            }
        }
        return roles;
    }

    private static String role(org.deeplearning4j.nn.conf.layers.Layer conf, String key) {
        if (conf instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
            return key.equals("gamma") || key.equals("beta") ? "batchnorm" : "batchnorm_statistics";
        }
        try {
            if (conf.initializer().isBiasParam(conf, key)) {
                return "bias";
            }
            if (key.equals(org.deeplearning4j.nn.params.DefaultParamInitializer.GAIN_KEY)) {
                return "batchnorm"; // a layer-norm gain: DL4J counts it as a weight (for decay), it scales like gamma
            }
            if (conf.initializer().isWeightParam(conf, key)) {
                return "weight";
            }
        } catch (RuntimeException e) {
            return null; // a layer whose initializer cannot say: the key's suffix decides
        }
        return "batchnorm";
    }

    private static IllegalArgumentException unsupported(Model model) {
        return new IllegalArgumentException("landscape4j watches MultiLayerNetwork and ComputationGraph, not "
                + model.getClass().getName());
    }
}
