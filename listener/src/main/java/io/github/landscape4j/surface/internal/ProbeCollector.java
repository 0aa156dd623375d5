package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Internal: builds the train probe from the training examples the model sees, copying them (with their masks) from
 * the minibatches as they pass through {@code onGradientCalculation}, each distinct example once, until {@code size}
 * are held. Under a shuffling iterator these are a random sample; they are drawn once per run.
 *
 * <p>A program whose data set is smaller than {@code size} shows it by training on examples already held: the first
 * minibatch with no new example ends the collection ("exhausted"), and the probe is every distinct example seen,
 * each once (never repeated: repeats would understate standard errors). Before that, a probe of what was seen can be
 * taken once it holds {@code minimum} examples ({@link #usable()}), e.g. when a short run ends.
 *
 * <p>With {@code holdout = k > 1}, every k-th minibatch goes to a second, validation probe instead (its examples are
 * still trained on: held out from the train probe, not from training).
 */
public final class ProbeCollector {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private final int size;
    private final int minimum;
    private final int holdout;
    private final String label;
    private final Pool train = new Pool();
    private final Pool validation = new Pool();
    /** 64-bit fingerprints of every example taken (features, labels and masks). */
    private final Set<Long> seen = new HashSet<>();
    private long batches;
    private boolean exhausted;

    /** Examples held for one probe. */
    private static final class Pool {
        final List<INDArray[]> features = new ArrayList<>();
        final List<INDArray[]> labels = new ArrayList<>();
        final List<INDArray[]> featureMasks = new ArrayList<>();
        final List<INDArray[]> labelMasks = new ArrayList<>();
        long held;
    }

    /**
     * @param size    examples per probe
     * @param minimum examples a probe taken before it is full needs
     * @param holdout every k-th minibatch to the validation probe; 0: none
     * @param label   the run, for the log line
     */
    public ProbeCollector(int size, int minimum, int holdout, String label) {
        this.size = size;
        this.minimum = Math.max(1, minimum);
        this.holdout = holdout;
        this.label = label;
    }

    /** Whether collection has ended: the probes are full, or the program's data holds no more new examples. */
    public boolean complete() {
        return exhausted || (train.held >= size && (holdout < 2 || validation.held >= size));
    }

    /** Whether a train probe can be taken now: collection has ended, or at least {@code minimum} are held. */
    public boolean usable() {
        return train.held > 0 && (complete() || train.held >= minimum);
    }

    /** Distinct train examples held so far. */
    public long held() {
        return train.held;
    }

    /** Examples a probe needs before it is usable unless collection has ended. */
    public int minimum() {
        return minimum;
    }

    /** Copies the new examples of the current minibatch of {@code model}. */
    public void offer(Model model) {
        if (complete()) {
            return;
        }
        Models.Batch b = Models.currentBatch(model);
        if (b == null) {
            return;
        }
        Pool pool = holdout > 1 && batches % holdout == holdout - 1 ? validation : train;
        batches++;
        long n = b.features()[0].size(0);
        long[] keys = fingerprints(b, n);
        List<Long> fresh = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!seen.contains(keys[i])) {
                seen.add(keys[i]);
                fresh.add((long) i);
            }
        }
        if (fresh.isEmpty()) {
            if (train.held > 0) {
                exhausted = true;
                LOG.info("landscape4j: run {}: the train probe holds all {} distinct training examples seen, fewer"
                        + " than probeSize={}: each is used once{}", label, train.held, size,
                        holdout > 1 ? " (validation probe: " + validation.held + ")" : "");
            }
            return;
        }
        if (pool.held >= size || !sameShape(pool, b)) {
            return;
        }
        long take = Math.min(size - pool.held, fresh.size());
        long[] rows = fresh.subList(0, (int) take).stream().mapToLong(Long::longValue).toArray();
        boolean leading = rows[rows.length - 1] == rows.length - 1;
        pool.features.add(rows(b.features(), rows, leading, n));
        pool.labels.add(rows(b.labels(), rows, leading, n));
        pool.featureMasks.add(rows(b.featureMasks(), rows, leading, n));
        pool.labelMasks.add(rows(b.labelMasks(), rows, leading, n));
        pool.held += take;
    }

    /**
     * Whether the batch's arrays match the pool's beyond the example dimension (sequences of another length cannot
     * join one probe: such a minibatch is left out).
     */
    private static boolean sameShape(Pool pool, Models.Batch b) {
        if (pool.features.isEmpty()) {
            return true;
        }
        INDArray[] first = pool.features.get(0);
        INDArray[] firstLabels = pool.labels.get(0);
        for (int i = 0; i < first.length && i < b.features().length; i++) {
            if (!trailing(first[i]).equals(trailing(b.features()[i]))) {
                return false;
            }
        }
        for (int i = 0; i < firstLabels.length && i < b.labels().length; i++) {
            if (!trailing(firstLabels[i]).equals(trailing(b.labels()[i]))) {
                return false;
            }
        }
        return true;
    }

    private static String trailing(INDArray a) {
        long[] s = a.shape();
        return java.util.Arrays.toString(java.util.Arrays.copyOfRange(s, 1, s.length));
    }

    /** The train probe: what is held now (see {@link #usable()}). */
    public Probe probe() {
        String how = exhausted ? "all " + train.held + " distinct training examples seen (fewer than probeSize="
                + size + "), each once"
                : train.held < minimum ? "only " + train.held + " distinct training example" + (train.held == 1 ? ""
                : "s") + " seen when the run ended, fewer than probeMin=" + minimum
                : train.held < size ? "the " + train.held + " distinct training examples seen before the probe was"
                + " full (probeSize=" + size + ")"
                : "first " + train.held + " distinct training examples seen";
        return probe(train, how + (holdout > 1 ? ", every " + holdout + "th minibatch held out" : ""));
    }

    /** The validation probe of held-out minibatches, or null when there is none. */
    public Probe validation() {
        return holdout > 1 && validation.held > 0 ? probe(validation, validation.held + " examples of every "
                + holdout + "th training minibatch, held out from the train probe, not from training") : null;
    }

    private static Probe probe(Pool p, String source) {
        return new Probe(concat(p.features), concat(p.labels), concat(p.featureMasks), concat(p.labelMasks), source);
    }

    /** Per example a hash of its features, labels and masks (exact values: a repeat has the same bits). */
    private static long[] fingerprints(Models.Batch b, long n) {
        long[] h = new long[(int) n];
        java.util.Arrays.fill(h, 0x243F6A8885A308D3L);
        for (INDArray[] group : List.of(b.features(), b.labels(), orEmpty(b.featureMasks()), orEmpty(b.labelMasks()))) {
            for (INDArray a : group) {
                if (a == null || a.size(0) != n) {
                    continue;
                }
                double[] v = a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
                int per = (int) (v.length / n);
                for (int i = 0; i < n; i++) {
                    long x = h[i];
                    for (int j = i * per, e = j + per; j < e; j++) {
                        x = (x ^ Double.doubleToLongBits(v[j])) * 0x9E3779B97F4A7C15L;
                        x ^= x >>> 29;
                    }
                    h[i] = x;
                }
            }
        }
        return h;
    }

    private static INDArray[] orEmpty(INDArray[] a) {
        return a == null ? new INDArray[0] : a;
    }

    /** Copies of the given rows (examples) of each array; null entries stay null. */
    private static INDArray[] rows(INDArray[] arrays, long[] rows, boolean leading, long n) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            if (a == null || a.size(0) != n) {
                out[i] = null;
            } else if (leading) {
                out[i] = (rows.length == n ? a : a.get(NDArrayIndex.interval(0, rows.length))).dup();
            } else {
                INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
                idx[0] = NDArrayIndex.indices(rows);
                for (int d = 1; d < idx.length; d++) {
                    idx[d] = NDArrayIndex.all();
                }
                out[i] = a.get(idx).dup();
            }
        }
        return out;
    }

    /** Concatenation along examples; null when no part has the array (e.g. no masks). */
    private static INDArray[] concat(List<INDArray[]> parts) {
        int k = 0;
        for (INDArray[] p : parts) {
            k = Math.max(k, p == null ? 0 : p.length);
        }
        if (k == 0) {
            return null;
        }
        INDArray[] out = new INDArray[k];
        boolean any = false;
        for (int i = 0; i < k; i++) {
            List<INDArray> pieces = new ArrayList<>();
            for (INDArray[] p : parts) {
                if (p != null && i < p.length && p[i] != null) {
                    pieces.add(p[i]);
                }
            }
            if (pieces.size() == parts.size()) { // a mask only some minibatches had cannot be joined: none
                out[i] = pieces.size() == 1 ? pieces.get(0) : Nd4j.concat(0, pieces.toArray(new INDArray[0]));
                any = true;
            }
        }
        return any ? out : null;
    }
}
