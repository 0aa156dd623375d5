package io.github.landscape4j.examples.bench;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/** Delegates every callback to a listener and adds up the time spent inside it, on the training thread. */
final class TimedListener implements TrainingListener {
    private final TrainingListener inner;
    private long nanos;

    TimedListener(TrainingListener inner) {
        this.inner = inner;
    }

    long nanos() {
        return nanos;
    }

    void reset() {
        nanos = 0;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long t = System.nanoTime();
        inner.iterationDone(model, iteration, epoch);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onEpochStart(Model model) {
        long t = System.nanoTime();
        inner.onEpochStart(model);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onEpochEnd(Model model) {
        long t = System.nanoTime();
        inner.onEpochEnd(model);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        long t = System.nanoTime();
        inner.onForwardPass(model, activations);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        long t = System.nanoTime();
        inner.onForwardPass(model, activations);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onGradientCalculation(Model model) {
        long t = System.nanoTime();
        inner.onGradientCalculation(model);
        nanos += System.nanoTime() - t;
    }

    @Override
    public void onBackwardPass(Model model) {
        long t = System.nanoTime();
        inner.onBackwardPass(model);
        nanos += System.nanoTime() - t;
    }
}
