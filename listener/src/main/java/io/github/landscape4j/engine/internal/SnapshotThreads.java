package io.github.landscape4j.engine.internal;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: ND4J's and BLAS's thread counts while snapshots run, restored when the last running snapshot ends:
 * libnd4j's "master threads", which its parallel loops use (its {@code maxThreads} cannot be lowered at run time),
 * and OpenBLAS's threads. On machines with few cores a snapshot's many small operations wait on ND4J's thread pool
 * at every step; one thread makes them faster (measured by {@code bench.sh snapshot}). Both settings are JVM-wide,
 * so snapshots taken at the same time share one setting (reference-counted), and a model trained in another thread
 * of the same JVM meanwhile runs with it too. The training thread that takes a snapshot is paused while it runs and
 * finds its setting back afterwards. Only on the CPU backend; {@code 0} leaves ND4J's setting alone.
 */
public final class SnapshotThreads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static int active;
    private static int savedNd4j;
    private static int savedBlas;
    private static boolean failed;

    private final boolean counted;

    private SnapshotThreads(boolean counted) {
        this.counted = counted;
    }

    /** Uses {@code threads} until {@link #close()} ({@code 0}: leaves ND4J's setting as it is). */
    public static SnapshotThreads use(int threads) {
        if (threads <= 0) {
            return new SnapshotThreads(false);
        }
        synchronized (SnapshotThreads.class) {
            if (failed) {
                return new SnapshotThreads(false);
            }
            if (active == 0) {
                try {
                    if (!Nd4j.getEnvironment().isCPU()) {
                        return new SnapshotThreads(false);
                    }
                    savedNd4j = Nd4j.getEnvironment().maxMasterThreads();
                    savedBlas = Nd4j.factory().blas().getMaxThreads();
                    Nd4j.getEnvironment().setMaxMasterThreads(threads);
                    Nd4j.factory().blas().setMaxThreads(threads);
                } catch (RuntimeException | LinkageError e) {
                    failed = true;
                    LOG.warn("landscape4j: cannot set ND4J's threads for snapshots ({}); snapshots use ND4J's own"
                            + " setting", e.toString());
                    return new SnapshotThreads(false);
                }
            }
            active++;
            return new SnapshotThreads(true);
        }
    }

    @Override
    public void close() {
        if (!counted) {
            return;
        }
        synchronized (SnapshotThreads.class) {
            if (--active == 0) {
                Nd4j.getEnvironment().setMaxMasterThreads(savedNd4j);
                Nd4j.factory().blas().setMaxThreads(savedBlas);
            }
        }
    }
}
