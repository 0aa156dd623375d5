package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: builds the train probe from the first training examples the model sees, copying them from the
 * minibatches as they pass through {@code onGradientCalculation} (input and labels are set then), until {@code size}
 * examples are held. Under a shuffling iterator these are a random sample; they are drawn once per run.
 */
public final class ProbeCollector {
    private final int size;
    private final List<INDArray[]> features = new ArrayList<>();
    private final List<INDArray[]> labels = new ArrayList<>();
    private long held;

    public ProbeCollector(int size) {
        this.size = size;
    }

    public boolean complete() {
        return held >= size;
    }

    public long held() {
        return held;
    }

    /** Copies (part of) the current minibatch of {@code model}. */
    public void offer(Model model) {
        if (complete()) {
            return;
        }
        INDArray[] x;
        INDArray[] y;
        if (model instanceof MultiLayerNetwork m) {
            x = new INDArray[]{m.getInput()};
            y = new INDArray[]{m.getLabels()};
        } else if (model instanceof ComputationGraph g) {
            x = g.getInputs();
            y = graphLabels(g);
        } else {
            return;
        }
        if (x == null || y == null || x.length == 0 || y.length == 0 || x[0] == null || y[0] == null) {
            return;
        }
        long take = Math.min(size - held, x[0].size(0));
        features.add(rows(x, take));
        labels.add(rows(y, take));
        held += take;
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

    /** The probe, once complete (or with what was seen, if {@code partial}). */
    public Probe probe() {
        return new Probe(concat(features), concat(labels), "first " + held + " training examples seen");
    }

    private static INDArray[] rows(INDArray[] arrays, long n) {
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            out[i] = (n == a.size(0) ? a : a.get(NDArrayIndex.interval(0, n))).dup();
        }
        return out;
    }

    private static INDArray[] concat(List<INDArray[]> parts) {
        int k = parts.get(0).length;
        INDArray[] out = new INDArray[k];
        for (int i = 0; i < k; i++) {
            INDArray[] pieces = new INDArray[parts.size()];
            for (int p = 0; p < pieces.length; p++) {
                pieces[p] = parts.get(p)[i];
            }
            out[i] = pieces.length == 1 ? pieces[0] : Nd4j.concat(0, pieces);
        }
        return out;
    }
}
