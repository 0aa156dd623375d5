package io.github.landscape4j.listener;

import io.github.landscape4j.engine.PluginScope;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.internal.FaultGuard;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.listener.internal.RunRecorder;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.internal.ShutdownOrder;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A DL4J training listener that records where training goes in weight space into a landscape4j run store:
 *
 * <pre>{@code
 * net.addListeners(LandscapeListener.builder().store(Path.of("runs/mnist.db")).build());
 * }</pre>
 *
 * <p>Works with {@code MultiLayerNetwork} and {@code ComputationGraph} and any fit loop. Each model the listener
 * sees becomes its own run. Per recorded iteration (every {@code every} iterations) it writes the minibatch score,
 * learning rate, and L2 norms, global and (on every {@code tensorEvery}-th row) per parameter tensor, of: the gradient of the mean minibatch loss before
 * the updater (read in {@code onGradientCalculation}), the update the updater applied at that iteration (read in
 * {@code iterationDone}, where DL4J leaves it in the gradient buffer), and the parameters. It also keeps parameter checkpoints: the initial parameters, every
 * {@code checkpointEvery} iterations thinned to {@code maxCheckpoints} (when full, every other one is dropped and
 * the interval doubles), and the final parameters (rewritten at each epoch end and on {@link #close()}).
 *
 * <p>It never changes training: it reads parameters and gradients and writes only its own copies. It never breaks
 * training: a fault inside it is logged once and recording of that run stops while {@code fit} goes on. Writes go
 * through a background thread; scalars are committed in batches ({@code commitEvery} rows or
 * {@code commitMillis}), so a crash loses at most one batch.
 *
 * <p>Lifecycle: a run ends when its model is no longer reachable (the listener holds models weakly: their runs end
 * once they are collected, writing the final checkpoint and stopping the run's writer thread), when the listener
 * is closed, or at JVM exit. {@link #close()} takes each run's final snapshot (unless {@code snapshot=off}; with
 * {@code budget:P%} at the richest level that fits what is left of the budget, a glance at least: see
 * {@code finalSeconds}), commits everything and, if the listener opened the store itself
 * (builder {@code store(Path)}), closes it; it is idempotent and never throws (a store failure is logged once with
 * the file and the cause). At JVM exit the runs are committed without a final snapshot (one in progress is
 * abandoned): nothing slow runs in a shutdown hook. Callbacks come from the training thread; the read methods may be
 * called from any thread.
 *
 * <p>A model trained elsewhere, whose parameters are set between fit rounds (the driver's copy under dl4j-spark's
 * parameter averaging), computes no gradient here: record its steps with {@link #step(Model)}.
 */
public final class LandscapeListener extends BaseTrainingListener implements AutoCloseable {

    private final LandscapeConfig config;
    private final StatsStorageRouter router;
    private final LandscapeStore store;
    private final boolean ownsStore;
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** Every run started, oldest first; a run that ended keeps only its metadata. Guarded by this. */
    private final List<RunRecorder> runs = new ArrayList<>();
    private final FaultGuard guard = new FaultGuard("(not started)");
    private volatile AutoCloseable ui;
    private volatile boolean closed;
    /** The run a callback last went to: the next callback most likely wants it too. */
    private volatile RunRecorder last;

    private final Probe trainProbe;
    private final Probe validationProbe;
    private final List<io.github.landscape4j.engine.Measure> measures;

    LandscapeListener(LandscapeConfig config, StatsStorageRouter router, LandscapeStore store,
                              boolean ownsStore, Probe trainProbe, Probe validationProbe,
                      List<io.github.landscape4j.engine.Measure> measures) {
        this.measures = List.copyOf(measures);
        this.config = config;
        this.trainProbe = trainProbe;
        this.validationProbe = validationProbe;
        this.router = router;
        this.store = store;
        this.ownsStore = ownsStore;
        if (ownsStore) {
            ShutdownOrder.closeBeforeStores(this); // at JVM exit: the page lets go of the store before it closes
        }
    }

    /** A builder with every option at its default. */
    public static LandscapeListenerBuilder builder() {
        return new LandscapeListenerBuilder();
    }

    /** A scope in which new arrays are detached from DL4J's workspaces; closing it restores the caller's scope. */
    private static MemoryWorkspace outsideWorkspaces() {
        return Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    }

    /** The router records go to (the store's storage, or a bare router). */
    StatsStorageRouter router() {
        return router;
    }

    /** The store's file (or the router), for messages. */
    private String storeName() {
        if (store != null) {
            return store.description();
        }
        return router instanceof io.github.landscape4j.store.internal.DeferredRouter d ? d.description()
                : router.getClass().getSimpleName();
    }

    /** Keeps the live page's handle, closed with the listener. */
    void attachUi(AutoCloseable handle) {
        this.ui = handle;
        ShutdownOrder.closeBeforeStores(this); // at JVM exit: the page lets go of the store before it closes
    }

    /** The validated options. */
    public LandscapeConfig config() {
        return config;
    }

    /**
     * The store this listener writes to, for reading in the same JVM; empty when it writes to a bare
     * {@link StatsStorageRouter} (e.g. DL4J's remote router).
     */
    public java.util.Optional<LandscapeStore> store() {
        return java.util.Optional.ofNullable(store);
    }

    /** The runs this listener has started, oldest first. */
    public synchronized List<RunInfo> runs() {
        return runs.stream().map(RunRecorder::info).toList();
    }

    /** Waits until everything recorded so far is committed to the store. */
    public void flush() {
        for (RunRecorder r : recorders()) {
            r.flush();
        }
    }

    /**
     * Records the parameters {@code model} has now as a training step made outside {@code fit}, and takes a snapshot
     * when the schedule makes one due: for a model trained elsewhere whose parameters are set between fit rounds (the
     * driver's copy under dl4j-spark's parameter averaging, or a program that calls {@code setParams}). Call it from
     * the thread that trains, after each round, and once before the first for the initial parameters (the run starts
     * at its first step, whose parameters are its initial checkpoint).
     *
     * <p>The step is at the model's own iteration and epoch counts ({@code getIterationCount()}, which dl4j-spark
     * advances by its averaging frequency each round); one not after the last step is not recorded (said once). Its
     * row has the parameters' norms, as update the change of parameters since the previous step (NaN for the first,
     * and after a step in {@code fit}), no gradient norms (NaN), and the model's score (NaN while it is DL4J's default:
     * set it, e.g. {@code net.setScore(sparkNet.getScore())}). {@code every:N} snapshots are due when a step crosses a
     * multiple of N. Snapshots need a probe given with {@code probe(DataSet)}: no minibatch passes through such a
     * model to collect one from. An {@code iterationDone} for a model that computed no gradient at that iteration is
     * recorded the same way. Never throws: a fault is logged once and stops recording of that run.
     */
    public void step(Model model) {
        guarded(model, () -> "step (a step made outside fit)", r -> r.step(model));
    }

    /**
     * Takes a landscape snapshot of {@code model} now, whatever the schedule, and waits until it is committed. Call it
     * from the training thread between {@code fit} calls (e.g. after training, for the final point). Empty when the
     * model has not trained yet with this listener (nor had a {@link #step}), the probe is not full yet, or snapshots
     * stopped after a fault.
     */
    @SuppressWarnings("try") // the workspace scope works by being open; the body need not reference it
    public java.util.Optional<io.github.landscape4j.store.Snapshot> snapshotNow(Model model) {
        RunRecorder r = find(model);
        if (r == null || closed) {
            return java.util.Optional.empty();
        }
        try (MemoryWorkspace ignored = outsideWorkspaces()) {
            return r.snapshotNow(model);
        }
    }

    /**
     * Takes each live run's final snapshot now, as {@link #close()} would, without ending the runs (training may go
     * on, and a later close takes none at the same iteration). The agent calls it when the program's {@code main}
     * returns. Never throws; a run's fault is logged once.
     */
    @SuppressWarnings("try") // the workspace scope works by being open; the body need not reference it
    public void finalSnapshots() {
        if (closed) {
            return;
        }
        for (RunRecorder r : recorders()) {
            try (MemoryWorkspace ignored = outsideWorkspaces()) {
                r.guard().run("the final snapshot when main returned", r::finalSnapshot);
            } catch (RuntimeException | Error e) {
                guard.trip("the final snapshot of run " + r.runId(), e);
            }
        }
    }

    /** Number of landscape snapshots taken so far, over all runs. */
    public int snapshotCount() {
        return recorders().stream().mapToInt(RunRecorder::snapshots).sum();
    }

    /** Whether recording has stopped after a fault (training is unaffected). */
    public synchronized boolean faulted() {
        return guard.tripped() || runs.stream().anyMatch(r -> r.guard().tripped());
    }

    private synchronized List<RunRecorder> recorders() {
        return new ArrayList<>(runs);
    }

    /** The live run recording {@code model}, newest first (the one a callback most likely wants); null if none. */
    private synchronized RunRecorder find(Model model) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            RunRecorder r = runs.get(i);
            if (r.records(model)) {
                return r;
            }
        }
        return null;
    }

    /** The recorder of this model, started on first sight; null when recording is off. */
    private RunRecorder recorder(Model model) {
        if (closed || guard.tripped()) {
            return null;
        }
        RunRecorder cached = last;
        if (cached != null && cached.records(model)) {
            return cached.guard().tripped() ? null : cached;
        }
        synchronized (this) {
            RunRecorder r = find(model);
            if (r == null) {
                if (!Models.supported(model)) {
                    guard.trip("start", new IllegalArgumentException("landscape4j watches MultiLayerNetwork and"
                            + " ComputationGraph, not " + model.getClass().getName()));
                    return null;
                }
                try {
                    r = new RunRecorder(model, config, router, this::storeName, trainProbe, validationProbe,
                            measures);
                } catch (RuntimeException e) {
                    guard.trip("start of a run for " + model.getClass().getSimpleName(), e);
                    return null;
                }
                runs.add(r);
            }
            last = r;
            return r.guard().tripped() ? null : r;
        }
    }

    @FunctionalInterface
    private interface RecorderAction {
        void accept(RunRecorder recorder) throws Exception;
    }

    /**
     * Every callback runs here: outside DL4J's workspaces (callbacks such as {@code onForwardPass} come while an
     * activation workspace is open, and arrays the plugin keeps must not live in it), and behind the run's guard.
     */
    @SuppressWarnings("try") // the workspace scope works by being open; the body need not reference it
    private void guarded(Model model, Supplier<String> where, RecorderAction action) {
        try (MemoryWorkspace ignored = outsideWorkspaces()) {
            RunRecorder r = recorder(model);
            if (r != null) {
                r.guard().run(where, () -> action.accept(r));
            }
        } catch (RuntimeException e) {
            guard.trip(where.get(), e);
        }
    }

    /**
     * Whether the run of {@code model} has taken its initial checkpoint: then a forward pass has nothing to record,
     * and it returns without entering the run (it comes on every iteration, often inside DL4J's workspaces).
     */
    private boolean started(Model model) {
        RunRecorder r = last;
        return r != null && r.started() && r.records(model);
    }

    @Override
    public void onEpochStart(Model model) {
        guarded(model, () -> "onEpochStart", r -> r.start(model));
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (!started(model)) {
            guarded(model, () -> "onForwardPass", r -> r.start(model));
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!started(model)) {
            guarded(model, () -> "onForwardPass", r -> r.start(model));
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        RunRecorder r = last;
        if (r != null && r.records(model) && !r.gradientWanted(model)) {
            return; // no row at this iteration: not even a workspace scope
        }
        guarded(model, () -> "onGradientCalculation", rec -> rec.gradient(model));
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        guarded(model, () -> "iterationDone (iteration " + iteration + ", epoch " + epoch + ")",
                r -> r.iterationDone(model, iteration, epoch));
    }

    @Override
    public void onEpochEnd(Model model) {
        guarded(model, () -> "onEpochEnd", r -> r.epochEnd(model));
    }

    /**
     * Commits everything, writes each run's final checkpoint, closes the store if this listener opened it (with
     * {@code ui=PORT} it stays open for the live page, which keeps showing the run until the program exits, and is
     * closed then). A second caller waits until the first has finished (e.g. an owner that closes a shared store after its listeners,
     * racing the listener's own shutdown hook).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RunRecorder r : recorders()) {
            try {
                r.close();
            } catch (RuntimeException | Error e) { // a run logs its own faults; this is the boundary
                guard.trip("closing run " + r.runId(), e);
            }
        }
        if (ownsStore && ui != null && !ShutdownOrder.shuttingDown()) {
            // the live page keeps showing the finished run until the program exits: the store (its commits done)
            // stays open for it, and at exit the page lets go of it before it closes
            ShutdownOrder.closeBeforeStores(ui);
            LOG.info("landscape4j: training ended; the live page keeps showing the run until the program exits");
        } else if (ownsStore) {
            closeUi(); // the page must let go of a store before it closes; a caller's store stays on the page
            try {
                store.close();
            } catch (RuntimeException | Error e) {
                LOG.warn("landscape4j: closing the store {} failed ({}); what was committed before stays in the"
                        + " file, training and the program go on", store.description(), causes(e), e);
            }
        }
        ShutdownOrder.forget(this);
    }

    /** An exception and its causes, for one log line. */
    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause() && b.length() < 1000; c = c.getCause()) {
            b.append("; caused by ").append(c);
        }
        return b.toString();
    }

    private void closeUi() {
        AutoCloseable handle = ui;
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                guard.trip("detaching the store from the live page", e);
            }
        }
    }

}
