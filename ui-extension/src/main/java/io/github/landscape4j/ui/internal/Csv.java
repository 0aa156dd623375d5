package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Surface;

import java.util.Map;
import java.util.TreeMap;

/** Internal: CSV exports (RFC 4180, a header row, NaN and infinities written as {@code NaN}, {@code Infinity}). */
public final class Csv {
    private Csv() {
    }

    public static String scalars(ScalarSeries s) {
        Map<String, double[]> cols = new java.util.LinkedHashMap<>();
        cols.put("score", s.score());
        cols.put("learningRate", s.learningRate());
        cols.put("gradientNorm", s.gradientNorm());
        cols.put("updateNorm", s.updateNorm());
        cols.put("weightNorm", s.weightNorm());
        new TreeMap<>(s.gradientNormByTensor()).forEach((k, v) -> cols.put("gradientNorm:" + k, v));
        new TreeMap<>(s.updateNormByTensor()).forEach((k, v) -> cols.put("updateNorm:" + k, v));
        new TreeMap<>(s.weightNormByTensor()).forEach((k, v) -> cols.put("weightNorm:" + k, v));
        StringBuilder b = new StringBuilder("iteration,epoch,wallMillis");
        cols.keySet().forEach(k -> b.append(',').append(quote(k)));
        b.append('\n');
        for (int i = 0; i < s.size(); i++) {
            b.append(s.iteration()[i]).append(',').append(s.epoch()[i]).append(',').append(s.wallMillis()[i]);
            for (double[] c : cols.values()) {
                b.append(',').append(c[i]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Snapshot measures over time: one row per snapshot. */
    public static String measures(Measures m) {
        StringBuilder b = new StringBuilder("index,iteration,epoch,level");
        m.measures().keySet().forEach(k -> b.append(',').append(quote(k)));
        b.append('\n');
        for (int i = 0; i < m.index().length; i++) {
            b.append(m.index()[i]).append(',').append(m.iteration()[i]).append(',').append(m.epoch()[i]).append(',')
                    .append(m.level()[i]);
            for (double[] c : m.measures().values()) {
                b.append(',').append(c[i]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A surface in long form: one row per grid point. */
    public static String surface(Surface s) {
        StringBuilder b = new StringBuilder("a,b,train_loss,train_accuracy,val_loss,val_accuracy\n");
        for (int j = 0; j < s.ys().length; j++) {
            for (int i = 0; i < s.xs().length; i++) {
                b.append(s.xs()[i]).append(',').append(s.ys()[j]).append(',').append(at(s.trainLoss(), j, i))
                        .append(',').append(at(s.trainAccuracy(), j, i)).append(',').append(at(s.valLoss(), j, i))
                        .append(',').append(at(s.valAccuracy(), j, i)).append('\n');
            }
        }
        return b.toString();
    }

    public static String slice(Slice s) {
        StringBuilder b = new StringBuilder("alpha,train_loss,train_accuracy,val_loss,val_accuracy\n");
        for (int i = 0; i < s.alphas().length; i++) {
            b.append(s.alphas()[i]).append(',').append(at(s.trainLoss(), i)).append(',')
                    .append(at(s.trainAccuracy(), i)).append(',').append(at(s.valLoss(), i)).append(',')
                    .append(at(s.valAccuracy(), i)).append('\n');
        }
        return b.toString();
    }

    static double at(double[][] grid, int j, int i) {
        return grid == null || j >= grid.length || grid[j] == null || i >= grid[j].length ? Double.NaN : grid[j][i];
    }

    static double at(double[] a, int i) {
        return a == null || i >= a.length ? Double.NaN : a[i];
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

}
