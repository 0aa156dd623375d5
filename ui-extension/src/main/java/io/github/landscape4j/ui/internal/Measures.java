package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.Snapshot;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Internal: the scalar measures of a run's snapshots as columns over time (sharpness, Hessian, gap, probe losses),
 * one row per snapshot; a measure a snapshot lacks is NaN there.
 *
 * @param index     snapshot indices
 * @param iteration iteration of each snapshot
 * @param epoch     epoch of each snapshot
 * @param measures  measure key → value per snapshot
 */
public record Measures(int[] index, long[] iteration, int[] epoch, Map<String, double[]> measures) {

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
        for (int i = 0; i < n; i++) {
            Snapshot s = snapshots.get(i);
            index[i] = i;
            iteration[i] = s.iteration();
            epoch[i] = s.epoch();
            for (String k : keys) {
                cols.get(k)[i] = s.measure(k);
            }
        }
        return new Measures(index, iteration, epoch, cols);
    }
}
