package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.internal.Causes;
import io.github.landscape4j.store.internal.DiscardingRouter;
import io.github.landscape4j.store.internal.DiskFullException;
import io.github.landscape4j.store.internal.ShutdownOrder;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Internal: makes a run's {@link StoreWriter}. A run begun while the JVM exits (the program's threads run on while
 * the shutdown hooks do) records nothing: the exit hook has taken its list of runs and closes the stores after them,
 * so such a run's writer writes nowhere and opens no store.
 */
final class RunWriters {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final AtomicBoolean LATE_LOGGED = new AtomicBoolean();

    private RunWriters() {
    }

    /** A run's writer; {@code late}: the run began during JVM exit, and the writer drops its records. */
    record Made(StoreWriter writer, boolean late) {
    }

    static Made make(StatsStorageRouter router, String runId, String workerId, List<String> tensorNames,
                     LandscapeConfig config, FaultGuard guard, Supplier<String> storeName) {
        boolean late = ShutdownOrder.shuttingDown();
        if (late && LATE_LOGGED.compareAndSet(false, true)) {
            LOG.info("landscape4j: run {} began while the JVM was exiting: it is not recorded (nor any run begun"
                    + " later)", runId);
        }
        StoreWriter writer = new StoreWriter(late ? DiscardingRouter.INSTANCE : router, runId, workerId, tensorNames,
                config.commitEvery(), config.commitMillis(), config.writerNice(), t -> fault(guard, storeName, t));
        return new Made(writer, late);
    }

    /**
     * The writer stopped after {@code t}: a fault, unless the JVM's exit closed the store under a run that began
     * just as it started, which is said in one line.
     */
    private static void fault(FaultGuard guard, Supplier<String> storeName, Throwable t) {
        Throwable io = Causes.find(t, java.io.IOException.class);
        if (t instanceof DiskFullException full) {
            guard.stopWarning(full.getMessage());
        } else if (io != null && !ShutdownOrder.storesClosing()) {
            // the file system refused (read-only, permissions, I/O error): its message says it, a stack trace not
            guard.stopWarning("the store writer could not write to " + storeName.get() + ": "
                    + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage()));
        } else if (ShutdownOrder.storesClosing()) {
            guard.stop("the JVM exited before its records were written to " + storeName.get() + " ("
                    + t.getMessage() + ")");
        } else {
            guard.trip("the store writer, writing to " + storeName.get(), t);
        }
    }
}
