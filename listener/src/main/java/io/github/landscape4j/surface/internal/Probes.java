package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/** Internal: probes made from user-given data, copied so the user's arrays are never shared. */
public final class Probes {
    private Probes() {
    }

    /** The first {@code size} examples of {@code data}, with its masks. */
    public static Probe of(DataSet data, int size, String source) {
        long n = Math.min(size, data.numExamples());
        INDArray fm = data.getFeaturesMaskArray();
        INDArray lm = data.getLabelsMaskArray();
        return new Probe(new INDArray[]{rows(data.getFeatures(), n)}, new INDArray[]{rows(data.getLabels(), n)},
                fm == null ? null : new INDArray[]{rows(fm, n)}, lm == null ? null : new INDArray[]{rows(lm, n)},
                source + ", " + n + " examples");
    }

    /** The first {@code size} examples of an iterator, read once (the iterator is reset before and after). */
    public static Probe of(DataSetIterator it, int size) {
        if (it.resetSupported()) {
            it.reset();
        }
        List<DataSet> parts = new ArrayList<>();
        long held = 0;
        while (it.hasNext() && held < size) {
            DataSet d = it.next();
            parts.add(d);
            held += d.numExamples();
        }
        if (it.resetSupported()) {
            it.reset();
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("validation iterator " + it.getClass().getSimpleName()
                    + " gave no examples");
        }
        return of(DataSet.merge(parts), size, "user-given validation iterator");
    }

    private static INDArray rows(INDArray a, long n) {
        return (n == a.size(0) ? a : a.get(NDArrayIndex.interval(0, n))).dup();
    }

}
