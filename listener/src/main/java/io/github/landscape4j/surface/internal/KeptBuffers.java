package io.github.landscape4j.surface.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * Internal: named arrays kept from one use to the next (one grid row to the next, one plane or snapshot to the next),
 * allocated outside any workspace on first use of a name and shape. On the CPU backend a fresh array of a few
 * megabytes is page-faulted in at more than the cost of the arithmetic on it; in a run's first snapshot such
 * allocations were a fifth of the time. Contents are undefined until written.
 */
final class KeptBuffers {
    private final Map<String, INDArray> buffers = new HashMap<>();

    /** The kept {@code shape} array of {@code type} named {@code name} ('c' order). */
    INDArray get(String name, DataType type, long... shape) {
        StringBuilder key = new StringBuilder(name).append(':').append(type);
        for (long s : shape) {
            key.append('x').append(s);
        }
        return buffers.computeIfAbsent(key.toString(), k -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.createUninitialized(type, shape);
            }
        });
    }

    /** Closes every kept array (none may be in use) and forgets them. */
    void clear() {
        buffers.values().forEach(INDArray::close);
        buffers.clear();
    }

    /** {@code a} copied into the kept array named {@code name} of its type and shape (null: null). */
    INDArray keep(String name, INDArray a) {
        return a == null ? null : get(name, a.dataType(), a.shape()).assign(a);
    }
}
