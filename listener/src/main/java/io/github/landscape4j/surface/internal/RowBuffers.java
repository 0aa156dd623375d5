package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Internal: reused row buffers of the cross-entropy path for one probe: flat labels {@code [n·c, 1]} in the output's
 * type; for {@code k} points their outputs {@code [k, n·c]}, argmaxes {@code [k, n]} and the probe's classes
 * repeated {@code [k, n]}. Allocated outside any workspace: they outlive a point.
 */
final class RowBuffers {
    final Probe probe;
    final DataType type;
    final INDArray labels;
    private INDArray ones;
    private INDArray rowWeights;
    INDArray outputs;
    INDArray predicted;
    INDArray classes;

    RowBuffers(Probe probe, DataType type) {
        this.probe = probe;
        this.type = type;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            labels = probe.labels()[0].castTo(type).dup('c').reshape(probe.labels()[0].length(), 1);
        }
    }

    /** A column of ones, one per class. */
    INDArray ones() {
        if (ones == null) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(type, labels.length() / probe.size(), 1);
            }
        }
        return ones;
    }

    /** Each example's label sum (1, or 0 for a row without a label), as a column. */
    INDArray rowWeights() {
        if (rowWeights == null) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                rowWeights = labels.reshape(probe.size(), labels.length() / probe.size()).sum(1)
                        .reshape(probe.size(), 1);
            }
        }
        return rowWeights;
    }

    /** Grows the per-point buffers to hold at least {@code points} points (keeping what they hold). */
    RowBuffers fit(int points) {
        if (outputs == null || outputs.size(0) < points) {
            int k = Math.max(points, outputs == null ? 1 : (int) outputs.size(0) * 2);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray grown = Nd4j.create(type, k, labels.length());
                if (outputs != null) {
                    grown.get(NDArrayIndex.interval(0, outputs.size(0)), NDArrayIndex.all()).assign(outputs);
                }
                outputs = grown;
                if (probe.classes() != null) {
                    INDArray p = Nd4j.create(probe.classes().dataType(), k, probe.size());
                    if (predicted != null) {
                        p.get(NDArrayIndex.interval(0, predicted.size(0)), NDArrayIndex.all()).assign(predicted);
                    }
                    predicted = p;
                    classes = Nd4j.tile(probe.classes().reshape(1, probe.size()), k, 1);
                }
            }
        }
        return this;
    }
}
