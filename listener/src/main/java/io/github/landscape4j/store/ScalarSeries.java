package io.github.landscape4j.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-iteration scalars of a run, column by column; row {@code i} of every array belongs to {@code iteration[i]}.
 * Norms are L2 norms. The gradient is the gradient of the mean minibatch loss as DL4J computes it before the
 * updater (no learning rate, momentum or Adam scaling applied); the update is the step the updater applied at that
 * iteration (learning rate, momentum, Adam and regularization included): the parameters after it are the parameters
 * before it minus the update. A step made outside {@code fit} ({@code LandscapeListener.step}) has no gradient norms
 * (NaN), and as its update the change of parameters since the previous step (NaN when unknown).
 *
 * @param iteration            DL4J iteration count
 * @param epoch                DL4J epoch count
 * @param wallMillis           milliseconds since recording started
 * @param score                minibatch score DL4J reports (mean loss plus regularization)
 * @param learningRate         learning rate of the first layer that has one (NaN when none)
 * @param gradientNorm         global gradient norm
 * @param updateNorm           global update norm
 * @param weightNorm           global parameter norm
 * @param gradientNormByTensor gradient norm per parameter tensor (e.g. {@code 0_W})
 * @param updateNormByTensor   update norm per parameter tensor
 * @param weightNormByTensor   parameter norm per parameter tensor
 */
public record ScalarSeries(long[] iteration, int[] epoch, long[] wallMillis, double[] score, double[] learningRate,
                           double[] gradientNorm, double[] updateNorm, double[] weightNorm,
                           Map<String, double[]> gradientNormByTensor, Map<String, double[]> updateNormByTensor,
                           Map<String, double[]> weightNormByTensor) {

    public ScalarSeries {
        int n = iteration.length;
        for (int len : new int[]{epoch.length, wallMillis.length, score.length, learningRate.length,
                gradientNorm.length, updateNorm.length, weightNorm.length}) {
            if (len != n) {
                throw new IllegalArgumentException("scalar columns differ in length: " + len + " vs " + n);
            }
        }
        gradientNormByTensor = Map.copyOf(gradientNormByTensor);
        updateNormByTensor = Map.copyOf(updateNormByTensor);
        weightNormByTensor = Map.copyOf(weightNormByTensor);
    }

    /** Number of recorded rows. */
    public int size() {
        return iteration.length;
    }

    /** An empty series. */
    public static ScalarSeries empty() {
        return concat(List.of());
    }

    /** The rows of all parts, in the order given. Tensors missing from a part are filled with NaN. */
    public static ScalarSeries concat(List<ScalarSeries> parts) {
        int n = parts.stream().mapToInt(ScalarSeries::size).sum();
        long[] it = new long[n];
        int[] ep = new int[n];
        long[] wall = new long[n];
        double[] score = new double[n];
        double[] lr = new double[n];
        double[] g = new double[n];
        double[] u = new double[n];
        double[] w = new double[n];
        Map<String, double[]> gt = new LinkedHashMap<>();
        Map<String, double[]> ut = new LinkedHashMap<>();
        Map<String, double[]> wt = new LinkedHashMap<>();
        int at = 0;
        for (ScalarSeries p : parts) {
            int m = p.size();
            System.arraycopy(p.iteration, 0, it, at, m);
            System.arraycopy(p.epoch, 0, ep, at, m);
            System.arraycopy(p.wallMillis, 0, wall, at, m);
            System.arraycopy(p.score, 0, score, at, m);
            System.arraycopy(p.learningRate, 0, lr, at, m);
            System.arraycopy(p.gradientNorm, 0, g, at, m);
            System.arraycopy(p.updateNorm, 0, u, at, m);
            System.arraycopy(p.weightNorm, 0, w, at, m);
            copyTensors(p.gradientNormByTensor, gt, at, m, n);
            copyTensors(p.updateNormByTensor, ut, at, m, n);
            copyTensors(p.weightNormByTensor, wt, at, m, n);
            at += m;
        }
        return new ScalarSeries(it, ep, wall, score, lr, g, u, w, gt, ut, wt);
    }

    private static void copyTensors(Map<String, double[]> from, Map<String, double[]> to, int at, int m, int n) {
        for (Map.Entry<String, double[]> e : from.entrySet()) {
            double[] column = to.computeIfAbsent(e.getKey(), k -> {
                double[] c = new double[n];
                java.util.Arrays.fill(c, Double.NaN);
                return c;
            });
            System.arraycopy(e.getValue(), 0, column, at, m);
        }
    }
}
