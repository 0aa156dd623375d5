package io.github.landscape4j.listener;

import io.github.landscape4j.listener.internal.FaultGuard;
import io.github.landscape4j.listener.internal.Models;
import io.github.landscape4j.surface.internal.Probe;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.listener.internal.RunRecorder;
import io.github.landscape4j.listener.internal.UiStarter;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>Lifecycle: {@link #close()} commits everything and, if the listener opened the store itself (builder
 * {@code store(Path)}), closes it; it is idempotent and also run by a JVM shutdown hook. Callbacks come from the
 * training thread; the read methods may be called from any thread.
 */
public final class LandscapeListener extends BaseTrainingListener implements AutoCloseable {

    private final LandscapeConfig config;
    private final StatsStorageRouter router;
    private final LandscapeStore store;
    private final boolean ownsStore;
    private final Map<Model, RunRecorder> runs = new IdentityHashMap<>();
    private final FaultGuard guard = new FaultGuard("(not started)");
    private final Thread shutdownHook;
    private volatile AutoCloseable ui;
    private volatile boolean closed;

    private final Probe trainProbe;
    private final Probe validationProbe;

    private LandscapeListener(LandscapeConfig config, StatsStorageRouter router, LandscapeStore store,
                              boolean ownsStore, Probe trainProbe, Probe validationProbe) {
        this.config = config;
        this.trainProbe = trainProbe;
        this.validationProbe = validationProbe;
        this.router = router;
        this.store = store;
        this.ownsStore = ownsStore;
        this.shutdownHook = new Thread(this::closeQuietly, "landscape4j-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
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
        return runs.values().stream().map(RunRecorder::info).toList();
    }

    /** Waits until everything recorded so far is committed to the store. */
    public void flush() {
        for (RunRecorder r : recorders()) {
            r.flush();
        }
    }

    /**
     * Takes a landscape snapshot of {@code model} now, whatever the schedule, and waits until it is committed. Call it
     * from the training thread between {@code fit} calls (e.g. after training, for the final point). Empty when the
     * model has not trained yet with this listener, the probe is not full yet, or snapshots stopped after a fault.
     */
    public java.util.Optional<io.github.landscape4j.store.Snapshot> snapshotNow(Model model) {
        RunRecorder r;
        synchronized (this) {
            r = runs.get(model);
        }
        if (r == null || closed) {
            return java.util.Optional.empty();
        }
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return r.snapshotNow(model);
        }
    }

    /** Number of landscape snapshots taken so far, over all runs. */
    public int snapshotCount() {
        return recorders().stream().mapToInt(RunRecorder::snapshots).sum();
    }

    /** Whether recording has stopped after a fault (training is unaffected). */
    public synchronized boolean faulted() {
        return guard.tripped() || runs.values().stream().anyMatch(r -> r.guard().tripped());
    }

    private synchronized List<RunRecorder> recorders() {
        return new ArrayList<>(runs.values());
    }

    /** The recorder of this model, started on first sight; null when recording is off. */
    private RunRecorder recorder(Model model) {
        if (closed || guard.tripped()) {
            return null;
        }
        synchronized (this) {
            RunRecorder r = runs.get(model);
            if (r == null) {
                if (!Models.supported(model)) {
                    guard.trip("start", new IllegalArgumentException("landscape4j watches MultiLayerNetwork and"
                            + " ComputationGraph, not " + model.getClass().getName()));
                    return null;
                }
                try {
                    r = new RunRecorder(model, config, router, trainProbe, validationProbe);
                } catch (RuntimeException e) {
                    guard.trip("start of a run for " + model.getClass().getSimpleName(), e);
                    return null;
                }
                runs.put(model, r);
            }
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
    private void guarded(Model model, String where, RecorderAction action) {
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            RunRecorder r = recorder(model);
            if (r != null) {
                r.guard().run(where, () -> action.accept(r));
            }
        } catch (RuntimeException e) {
            guard.trip(where, e);
        }
    }

    @Override
    public void onEpochStart(Model model) {
        guarded(model, "onEpochStart", r -> r.start(model));
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        guarded(model, "onForwardPass", r -> r.start(model));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        guarded(model, "onForwardPass", r -> r.start(model));
    }

    @Override
    public void onGradientCalculation(Model model) {
        guarded(model, "onGradientCalculation", r -> r.gradient(model));
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        guarded(model, "iterationDone (iteration " + iteration + ", epoch " + epoch + ")",
                r -> r.iterationDone(model, iteration, epoch));
    }

    @Override
    public void onEpochEnd(Model model) {
        guarded(model, "onEpochEnd", r -> r.epochEnd(model));
    }

    /**
     * Commits everything, writes each run's final checkpoint, closes the store if this listener opened it. A second
     * caller waits until the first has finished (e.g. an owner that closes a shared store after its listeners,
     * racing the listener's own shutdown hook).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RunRecorder r : recorders()) {
            r.close();
        }
        if (ownsStore) {
            closeUi(); // the page must let go of a store before it closes; a caller's store stays on the page
            store.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running us
        }
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

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            guard.trip("close at JVM shutdown", e);
        }
    }

    /**
     * Builds a {@link LandscapeListener}. Every option has a typed setter here and a string spelling
     * ({@link ConfigOption}) for the agent and system properties; {@link #build()} validates them all at once.
     */
    public static final class Builder {
        private final Map<String, String> options = new LinkedHashMap<>();
        private LandscapeStore store;
        private StatsStorageRouter router;
        private DataSet trainProbe;
        private DataSet validation;
        private DataSetIterator validationIterator;

        private Builder() {
        }

        private Builder set(ConfigOption option, Object value) {
            options.put(option.key(), String.valueOf(Objects.requireNonNull(value, option.key())));
            return this;
        }

        /** Store file to create or append to; the listener opens it at {@link #build()} and closes it. */
        public Builder store(Path file) {
            return set(ConfigOption.STORE, file);
        }

        /** An open store to write to (e.g. shared with DL4J's {@code StatsListener}); the caller closes it. */
        public Builder store(LandscapeStore openStore) {
            this.store = Objects.requireNonNull(openStore, "store");
            return this;
        }

        /** Any DL4J router, e.g. {@code RemoteUIStatsStorageRouter} to post to a remote UI server. */
        public Builder router(StatsStorageRouter statsRouter) {
            this.router = Objects.requireNonNull(statsRouter, "router");
            return this;
        }

        /** Run name (default {@code run}); letters, digits, '.', '_', '-'. */
        public Builder runName(String name) {
            return set(ConfigOption.RUN, name);
        }

        /** Tags of the run. */
        public Builder tags(String... tags) {
            return set(ConfigOption.TAGS, String.join(";", tags));
        }

        /** Seed of the plugin's own random generator (default 42). */
        public Builder seed(long seed) {
            return set(ConfigOption.SEED, seed);
        }

        /** Record scalars every N iterations (default 1). */
        public Builder every(int iterations) {
            return set(ConfigOption.EVERY, iterations);
        }

        /** Whether norms are also recorded per parameter tensor (default true). */
        public Builder perTensor(boolean perTensor) {
            return set(ConfigOption.PER_TENSOR, perTensor);
        }

        /** Per-tensor norms on every Nth recorded row, NaN on the others (default 10). */
        public Builder tensorEvery(int rows) {
            return set(ConfigOption.TENSOR_EVERY, rows);
        }

        /** Initial interval between periodic checkpoints in iterations (default 10). */
        public Builder checkpointEvery(int iterations) {
            return set(ConfigOption.CHECKPOINT_EVERY, iterations);
        }

        /** Periodic checkpoints kept, in memory and in the store (default 64). */
        public Builder maxCheckpoints(int count) {
            return set(ConfigOption.MAX_CHECKPOINTS, count);
        }

        /** Commit scalars at least every N recorded iterations (default 100). */
        public Builder commitEvery(int rows) {
            return set(ConfigOption.COMMIT_EVERY, rows);
        }

        /** Commit scalars at least every N milliseconds (default 2000). */
        public Builder commitMillis(long millis) {
            return set(ConfigOption.COMMIT_MILLIS, millis);
        }

        /**
         * The train probe: a fixed sample of training examples on which every landscape is evaluated (default: the
         * first {@code probeSize} training examples the model sees).
         */
        public Builder probe(DataSet examples) {
            this.trainProbe = Objects.requireNonNull(examples, "probe");
            return this;
        }

        /** Held-out examples: the validation probe (its first {@code probeSize} examples are used). */
        public Builder validation(DataSet heldOut) {
            this.validation = Objects.requireNonNull(heldOut, "validation");
            return this;
        }

        /** Held-out examples from an iterator: its first {@code probeSize} examples, read once at build(). */
        public Builder validation(DataSetIterator heldOut) {
            this.validationIterator = Objects.requireNonNull(heldOut, "validation");
            return this;
        }

        /** When to take snapshots: {@code off}, {@code every:N}, {@code epoch}, {@code budget:P%} (default 10%). */
        public Builder snapshot(String schedule) {
            return set(ConfigOption.SNAPSHOT, schedule);
        }

        /** A snapshot every N iterations. */
        public Builder snapshotEvery(int iterations) {
            return snapshot("every:" + iterations);
        }

        /** Examples per probe (default 2000). */
        public Builder probeSize(int examples) {
            return set(ConfigOption.PROBE_SIZE, examples);
        }

        /** Points per side of surfaces and along slices (default 21). */
        public Builder grid(int points) {
            return set(ConfigOption.GRID, points);
        }

        /** Half-width of the random plane and line (default 1.0). */
        public Builder range(double range) {
            return set(ConfigOption.RANGE, range);
        }

        /** Direction normalization (default filter). */
        public Builder normalization(io.github.landscape4j.direction.Normalization normalization) {
            return set(ConfigOption.NORMALIZATION, normalization.name().toLowerCase(java.util.Locale.ROOT));
        }

        /** Whether directions move biases and batch-norm gamma/beta (default false). */
        public Builder biasBn(boolean include) {
            return set(ConfigOption.BIAS_BN, include);
        }

        /** 2D surfaces: any of {@code random}, {@code pca}, {@code hessian} (default random and pca). */
        public Builder planes(String... planes) {
            return set(ConfigOption.PLANES, planes.length == 0 ? "none" : String.join("+", planes));
        }

        /** Whether 1D slices are computed (default true). */
        public Builder slices(boolean on) {
            return set(ConfigOption.SLICES, on);
        }

        /** Radius of the sharpness measures (default 1e-3). */
        public Builder epsilon(double eps) {
            return set(ConfigOption.EPSILON, eps);
        }

        /** Directions of the random-perturbation sharpness, 0 for off (default 20). */
        public Builder sharpnessK(int k) {
            return set(ConfigOption.SHARPNESS_K, k);
        }

        /** Gradient-ascent steps of ε-sharpness, 0 for off (default 10). */
        public Builder ascentSteps(int steps) {
            return set(ConfigOption.ASCENT_STEPS, steps);
        }

        /** Power-iteration steps of the top Hessian eigenvalue, 0 for off (default 20). */
        public Builder hessianIterations(int steps) {
            return set(ConfigOption.HESSIAN_ITERATIONS, steps);
        }

        /** Hutchinson samples of the Hessian trace, 0 for off (default 10). */
        public Builder hutchinson(int samples) {
            return set(ConfigOption.HUTCHINSON, samples);
        }

        /** Whether sharpness and top eigenvalue are also computed per weight tensor (default true). */
        public Builder perTensorMeasures(boolean on) {
            return set(ConfigOption.PER_TENSOR_MEASURES, on);
        }

        /**
         * Serves the live Landscape page from DL4J's UI server on {@code port} (0: any free port), started or reused
         * at {@link #build()}, bound to localhost unless {@code -Dlandscape4j.ui.host} says otherwise. Needs
         * {@code landscape4j-ui-extension} on the class path and a store (not a bare router). Default: off.
         */
        public Builder ui(int port) {
            return set(ConfigOption.UI, port);
        }

        /** Sets options by their string spelling ({@link ConfigOption#key()}), as the agent does. */
        public Builder options(Map<String, String> byKey) {
            options.putAll(byKey);
            return this;
        }

        /**
         * Validates every option and opens the store.
         *
         * @throws InvalidConfigException listing every bad option
         * @throws io.github.landscape4j.store.StoreException naming the path when the store cannot be opened
         */
        public LandscapeListener build() {
            LandscapeConfig config = LandscapeConfig.parse(options);
            int targets = (store != null ? 1 : 0) + (router != null ? 1 : 0) + (config.store().isPresent() ? 1 : 0);
            if (targets != 1) {
                throw new InvalidConfigException(List.of(ConfigOption.STORE.key() + "="
                        + config.store().map(Path::toString).orElse("") + ": give exactly one of store(Path),"
                        + " store(LandscapeStore) or router(StatsStorageRouter); " + targets + " given"));
            }
            int size = config.snapshots().probeSize();
            Probe train = trainProbe == null ? null : Probes.of(trainProbe, size, "user-given train probe");
            Probe val = validation != null ? Probes.of(validation, size, "user-given validation set")
                    : validationIterator != null ? Probes.of(validationIterator, size) : null;
            java.lang.reflect.Method uiStart = null;
            if (config.ui().isPresent()) {
                if (router != null && !(router instanceof org.deeplearning4j.core.storage.StatsStorage)) {
                    throw new InvalidConfigException(List.of(ConfigOption.UI.key() + "=" + config.ui().getAsInt()
                            + ": the live page reads a store; with router(" + router.getClass().getSimpleName()
                            + ") open the page on the server the router posts to"));
                }
                uiStart = UiStarter.startMethod(config.ui().getAsInt()); // fails before a store is opened
            }
            LandscapeListener listener;
            if (router != null) {
                listener = new LandscapeListener(config, router, null, false, train, val);
            } else if (store != null) {
                listener = new LandscapeListener(config, store.statsStorage(), store, false, train, val);
            } else {
                LandscapeStore opened = LandscapeStore.open(config.store().orElseThrow());
                listener = new LandscapeListener(config, opened.statsStorage(), opened, true, train, val);
            }
            if (uiStart != null) {
                try {
                    listener.ui = UiStarter.start(uiStart, config.ui().getAsInt(),
                            (org.deeplearning4j.core.storage.StatsStorage) listener.router);
                } catch (RuntimeException e) {
                    listener.close();
                    throw e;
                }
            }
            return listener;
        }
    }
}
