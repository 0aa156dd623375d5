package io.github.landscape4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * A fixed probe set: features and labels per network input/output (one of each for a MultiLayerNetwork), with their
 * masks (RNN padding), drawn once per run and reused so that points are comparable over time.
 *
 * @param features     one array per network input, examples along dimension 0
 * @param labels       one array per network output
 * @param featureMasks one mask per network input (entries may be null), or null: no masks
 * @param labelMasks   one mask per network output (entries may be null), or null: no masks
 * @param source       how it was drawn, for the store
 * @param classes      the class index of each example (argmax of the first labels), for accuracy; null if not
 *                     rank 2 with several columns
 */
public record Probe(INDArray[] features, INDArray[] labels, INDArray[] featureMasks, INDArray[] labelMasks,
                    String source, INDArray classes) {

    /** A probe without masks. */
    public Probe(INDArray[] features, INDArray[] labels, String source) {
        this(features, labels, null, null, source);
    }

    /** A probe with masks ({@code null} or null entries where there are none). */
    public Probe(INDArray[] features, INDArray[] labels, INDArray[] featureMasks, INDArray[] labelMasks,
                 String source) {
        this(features, labels, featureMasks, labelMasks, source,
                labels[0].rank() == 2 && labels[0].size(1) > 1 ? labels[0].argMax(1) : null);
    }

    /** The feature mask of input {@code i}, or null. */
    public INDArray featureMask(int i) {
        return featureMasks == null || i >= featureMasks.length ? null : featureMasks[i];
    }

    /** The label mask of output {@code i}, or null. */
    public INDArray labelMask(int i) {
        return labelMasks == null || i >= labelMasks.length ? null : labelMasks[i];
    }

    /** Whether any mask is set. */
    public boolean masked() {
        return any(featureMasks) || any(labelMasks);
    }

    private static boolean any(INDArray[] a) {
        return a != null && Arrays.stream(a).anyMatch(java.util.Objects::nonNull);
    }

    /**
     * {@code n} of its examples drawn without replacement by a generator seeded with {@code seed} (kept in their
     * order), as a new probe; this probe itself when it holds no more than {@code n}.
     */
    public Probe subsample(long n, long seed) {
        long size = size();
        if (n >= size) {
            return this;
        }
        // a partial Fisher-Yates shuffle: the first n of a seeded permutation
        int[] all = new int[(int) size];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        java.util.Random rng = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(all.length - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        long[] rows = Arrays.stream(Arrays.copyOf(all, (int) n)).sorted().asLongStream().toArray();
        return new Probe(rows(features, rows), rows(labels, rows), rows(featureMasks, rows), rows(labelMasks, rows),
                n + " of the " + size + " examples of the probe (" + source + "), drawn with seed " + seed);
    }

    private static INDArray[] rows(INDArray[] arrays, long[] rows) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            if (a != null) {
                org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
                index[0] = new org.nd4j.linalg.indexing.SpecifiedIndex(rows);
                for (int d = 1; d < index.length; d++) {
                    index[d] = org.nd4j.linalg.indexing.NDArrayIndex.all();
                }
                out[i] = a.get(index).dup();
            }
        }
        return out;
    }

    public long size() {
        return features[0].size(0);
    }

    @Override
    public String toString() {
        return size() + " examples (" + source + "), features " + Arrays.toString(features[0].shape());
    }
}
