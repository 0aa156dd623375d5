package io.github.landscape4j.examples.bench;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * Delegates every callback to a listener and adds up the time spent inside it, on the training thread: in all, and per
 * iteration (the callbacks up to and including that iteration's {@code iterationDone}).
 */
final class TimedListener implements TrainingListener {
    private final TrainingListener inner;
    private long nanos;
    private long current;
    private final java.util.Map<Integer, Long> byIteration = new java.util.HashMap<>();

    TimedListener(TrainingListener inner) {
        this.inner = inner;
    }

    long nanos() {
        return nanos;
    }

    void reset() {
        nanos = 0;
        current = 0;
        byIteration.clear();
    }

    /** Nanoseconds inside the callbacks of {@code iteration} since the last reset (null: none seen). */
    Long nanos(int iteration) {
        return byIteration.get(iteration);
    }

    /** Adds the time since {@code start} to the total and to the current iteration's. */
    private void spent(long start) {
        long d = System.nanoTime() - start;
        nanos += d;
        current += d;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long t = System.nanoTime();
        inner.iterationDone(model, iteration, epoch);
        spent(t);
        byIteration.put(iteration, current);
        current = 0;
    }

    @Override
    public void onEpochStart(Model model) {
        long t = System.nanoTime();
        inner.onEpochStart(model);
        spent(t);
    }

    @Override
    public void onEpochEnd(Model model) {
        long t = System.nanoTime();
        inner.onEpochEnd(model);
        spent(t);
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        long t = System.nanoTime();
        inner.onForwardPass(model, activations);
        spent(t);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        long t = System.nanoTime();
        inner.onForwardPass(model, activations);
        spent(t);
    }

    @Override
    public void onGradientCalculation(Model model) {
        long t = System.nanoTime();
        inner.onGradientCalculation(model);
        spent(t);
    }

    @Override
    public void onBackwardPass(Model model) {
        long t = System.nanoTime();
        inner.onBackwardPass(model);
        spent(t);
    }
}
