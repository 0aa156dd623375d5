package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Internal: the scalar measures of a run's snapshots as columns over time (sharpness, Hessian, gap, probe losses),
 * one row per snapshot; a measure a snapshot lacks is NaN there. With them, the range of the train-probe loss over
 * every surface and slice of the run, so the page draws every snapshot (and compared runs) on one colour scale.
 *
 * @param index      snapshot indices
 * @param iteration  iteration of each snapshot
 * @param epoch      epoch of each snapshot
 * @param wallMillis milliseconds from the run's start to each snapshot
 * @param measures   measure key → value per snapshot
 * @param lossRange  {@code [lowest, 99th percentile]} of the finite positive train-probe losses on the run's
 *                   surfaces and slices (the top is robust to the few blown-up corners of a wide plane); empty when
 *                   there are none
 * @param spectrumRange {@code [lowest, highest]} Ritz value of the run's Hessian spectra (so the page draws every
 *                   snapshot's spectrum on one eigenvalue axis); empty when no snapshot has one
 */
public record Measures(int[] index, long[] iteration, int[] epoch, long[] wallMillis, Map<String, double[]> measures,
                       double[] lossRange, String[] level, double[] spectrumRange) {

    /** Share of the losses allowed above the top of {@link #lossRange()}. */
    static final double CLIPPED_ABOVE = 0.01;

    public static Measures of(List<Snapshot> snapshots) {
        int n = snapshots.size();
        TreeSet<String> keys = new TreeSet<>();
        snapshots.forEach(s -> keys.addAll(s.measures().keySet()));
        Map<String, double[]> cols = new TreeMap<>();
        for (String k : keys) {
            double[] c = new double[n];
            Arrays.fill(c, Double.NaN);
            cols.put(k, c);
        }
        int[] index = new int[n];
        long[] iteration = new long[n];
        int[] epoch = new int[n];
        long[] wall = new long[n];
        String[] level = new String[n];
        for (int i = 0; i < n; i++) {
            Snapshot s = snapshots.get(i);
            level[i] = s.level();
            index[i] = i;
            iteration[i] = s.iteration();
            epoch[i] = s.epoch();
            wall[i] = s.wallMillis();
            for (String k : keys) {
                cols.get(k)[i] = s.measure(k);
            }
        }
        return new Measures(index, iteration, epoch, wall, cols, lossRange(snapshots), level,
                spectrumRange(snapshots));
    }

    static double[] spectrumRange(List<Snapshot> snapshots) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Snapshot s : snapshots) {
            if (s.spectrum() != null) {
                for (double v : s.spectrum().values()) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[0];
    }

    static double[] lossRange(List<Snapshot> snapshots) {
        int size = 0;
        for (Snapshot s : snapshots) {
            for (Surface f : s.surfaces()) {
                size += f.xs().length * f.ys().length;
            }
            for (Slice l : s.slices()) {
                size += l.trainLoss().length;
            }
        }
        double[] all = new double[size];
        int n = 0;
        for (Snapshot s : snapshots) {
            for (Surface f : s.surfaces()) {
                for (double[] row : f.trainLoss()) {
                    n = addPositive(row, all, n);
                }
            }
            for (Slice l : s.slices()) {
                n = addPositive(l.trainLoss(), all, n);
            }
        }
        if (n == 0) {
            return new double[0];
        }
        Arrays.sort(all, 0, n);
        int top = (int) Math.min(n - 1, Math.ceil((n - 1) * (1 - CLIPPED_ABOVE)));
        return new double[] {all[0], all[top]};
    }

    private static int addPositive(double[] values, double[] into, int n) {
        for (double v : values) {
            if (Double.isFinite(v) && v > 0) {
                into[n++] = v;
            }
        }
        return n;
    }
}
