package io.github.landscape4j.engine.internal;

import org.nd4j.linalg.factory.Nd4j;
import java.util.function.Supplier;
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
    /** Threads BLAS runs with while snapshots run ({@code threads}); 0 when no snapshot runs. */
    private static int narrow;
    /** Nested {@link #wide} calls running now. */
    private static int wideDepth;

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
                    narrow = threads;
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

    /**
     * Runs {@code work} (a large matrix product, or a whole forward or backward pass of DL4J whose time its largest
     * products take) with BLAS's own thread count, the one saved when snapshots began, when snapshots run with fewer:
     * one thread keeps a snapshot's many small operations from waiting on thread pools, while a product of a probe's
     * inputs ({@code [2000, 784]·[784, 100]} here) runs ~1.5x faster on two cores than on one; small products got
     * ~2x slower with two (measured side by side on the 2-core machine). Nested calls share one widening; outside a
     * snapshot it only runs {@code work}.
     */
    public static <T> T wide(Supplier<T> work) {
        if (!widen()) {
            return work.get();
        }
        try {
            return work.get();
        } finally {
            narrowAgain();
        }
    }

    private static synchronized boolean widen() {
        String mode = System.getProperty("l4j.wide", "blas");
        if (narrow == 0 || savedBlas <= narrow || mode.equals("none")) {
            return false;
        }
        if (wideDepth++ == 0) {
            Nd4j.factory().blas().setMaxThreads(savedBlas);
            if (mode.equals("both")) {
                Nd4j.getEnvironment().setMaxMasterThreads(savedNd4j);
            }
        }
        return true;
    }

    private static synchronized void narrowAgain() {
        if (--wideDepth == 0 && narrow > 0) {
            Nd4j.factory().blas().setMaxThreads(narrow);
            Nd4j.getEnvironment().setMaxMasterThreads(narrow);
        }
    }


    @Override
    public void close() {
        if (!counted) {
            return;
        }
        synchronized (SnapshotThreads.class) {
            if (--active == 0) {
                narrow = 0;
                Nd4j.getEnvironment().setMaxMasterThreads(savedNd4j);
                Nd4j.factory().blas().setMaxThreads(savedBlas);
            }
        }
    }
}
