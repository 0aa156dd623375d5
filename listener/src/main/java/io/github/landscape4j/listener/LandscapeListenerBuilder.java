package io.github.landscape4j.listener;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.listener.internal.UiStarter;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.internal.DeferredRouter;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds a {@link LandscapeListener}. Every option has a typed setter here and a string spelling
 * ({@link ConfigOption}) for the agent and system properties; {@link #build()} validates them all at once. Not thread-safe; build once.
 */
public final class LandscapeListenerBuilder {
    private final java.util.List<io.github.landscape4j.engine.Measure> measures = new java.util.ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private LandscapeStore store;
    private StatsStorageRouter router;
    private Supplier<LandscapeStore> opener;
    private DataSet trainProbe;
    private DataSet validation;
    private DataSetIterator validationIterator;

    LandscapeListenerBuilder() {
    }

    private LandscapeListenerBuilder set(ConfigOption option, Object value) {
        options.put(option.key(), String.valueOf(Objects.requireNonNull(value, option.key())));
        return this;
    }

    /** Store file to create or append to; the listener opens it at {@link #build()} and closes it. */
    public LandscapeListenerBuilder store(Path file) {
        return set(ConfigOption.STORE, file);
    }

    /** An open store to write to (e.g. shared with DL4J's {@code StatsListener}); the caller closes it. */
    public LandscapeListenerBuilder store(LandscapeStore openStore) {
        this.store = Objects.requireNonNull(openStore, "store");
        return this;
    }

    /**
     * A store opened on first use, by {@code opener}, on the run's writer thread: the training thread never waits
     * for MapDB to start (the agent uses this). Share one memoizing opener between listeners to share one store;
     * the caller closes it. If it cannot be opened, the run records nothing and says so once in the log. With
     * {@code ui=PORT}, {@link #build()} opens it (the page needs it).
     */
    public LandscapeListenerBuilder store(Supplier<LandscapeStore> opener) {
        this.opener = Objects.requireNonNull(opener, "store");
        return this;
    }

    /** Any DL4J router, e.g. {@code RemoteUIStatsStorageRouter} to post to a remote UI server. */
    public LandscapeListenerBuilder router(StatsStorageRouter statsRouter) {
        this.router = Objects.requireNonNull(statsRouter, "router");
        return this;
    }

    /** Run name (default {@code run}); letters, digits, '.', '_', '-'. */
    public LandscapeListenerBuilder runName(String name) {
        return set(ConfigOption.RUN, name);
    }

    /** Tags of the run. */
    public LandscapeListenerBuilder tags(String... tags) {
        return set(ConfigOption.TAGS, String.join(";", tags));
    }

    /** Seed of the plugin's own random generator (default 42). */
    public LandscapeListenerBuilder seed(long seed) {
        return set(ConfigOption.SEED, seed);
    }

    /**
     * Record scalars every N iterations. Default {@code auto} (option {@code every=auto}): every iteration while
     * a row costs under 0.25% of the wall time between iterations, else every 2nd, 4th, ... iteration.
     */
    public LandscapeListenerBuilder every(int iterations) {
        return set(ConfigOption.EVERY, iterations);
    }

    /** Whether norms are also recorded per parameter tensor (default true). */
    public LandscapeListenerBuilder perTensor(boolean perTensor) {
        return set(ConfigOption.PER_TENSOR, perTensor);
    }

    /** Per-tensor norms on every Nth recorded row, NaN on the others (default 10). */
    public LandscapeListenerBuilder tensorEvery(int rows) {
        return set(ConfigOption.TENSOR_EVERY, rows);
    }

    /** Initial interval between periodic checkpoints in iterations (default 50). */
    public LandscapeListenerBuilder checkpointEvery(int iterations) {
        return set(ConfigOption.CHECKPOINT_EVERY, iterations);
    }

    /** Periodic checkpoints kept, in memory and in the store (default 64). */
    public LandscapeListenerBuilder maxCheckpoints(int count) {
        return set(ConfigOption.MAX_CHECKPOINTS, count);
    }

    /** Commit scalars at least every N recorded iterations (default 100). */
    public LandscapeListenerBuilder commitEvery(int rows) {
        return set(ConfigOption.COMMIT_EVERY, rows);
    }

    /** Commit scalars at least every N milliseconds (default 2000). */
    public LandscapeListenerBuilder commitMillis(long millis) {
        return set(ConfigOption.COMMIT_MILLIS, millis);
    }

    /**
     * Linux nice value of the store's writer thread (0..19, default 10; 0 leaves it as the JVM's): the writer yields
     * the CPU to training threads and writes when a core is idle. Elsewhere, and without {@code renice}, ignored.
     */
    public LandscapeListenerBuilder writerNice(int nice) {
        return set(ConfigOption.WRITER_NICE, nice);
    }

    /**
     * The train probe: a fixed sample of training examples on which every landscape is evaluated (default: the
     * first {@code probeSize} training examples the model sees).
     */
    public LandscapeListenerBuilder probe(DataSet examples) {
        this.trainProbe = Objects.requireNonNull(examples, "probe");
        return this;
    }

    /** Held-out examples: the validation probe (its first {@code probeSize} examples are used). */
    public LandscapeListenerBuilder validation(DataSet heldOut) {
        this.validation = Objects.requireNonNull(heldOut, "validation");
        return this;
    }

    /** Held-out examples from an iterator: its first {@code probeSize} examples, read once at build(). */
    public LandscapeListenerBuilder validation(DataSetIterator heldOut) {
        this.validationIterator = Objects.requireNonNull(heldOut, "validation");
        return this;
    }

    /**
     * When to take snapshots: {@code off}, {@code every:N}, {@code epoch}, {@code budget:P%} (default 10%). With a
     * budget, snapshots (the first and the final one included) take at most P% of the program's wall time, shared by
     * every run in the JVM: one that would not fit is skipped (said once per run in the log), one that runs past its
     * share is abandoned. The final snapshot is taken by {@link LandscapeListener#close()}, never at JVM exit.
     */
    public LandscapeListenerBuilder snapshot(String schedule) {
        return set(ConfigOption.SNAPSHOT, schedule);
    }

    /** A snapshot every N iterations. */
    public LandscapeListenerBuilder snapshotEvery(int iterations) {
        return snapshot("every:" + iterations);
    }

    /** Examples per probe (default 2000). */
    public LandscapeListenerBuilder probeSize(int examples) {
        return set(ConfigOption.PROBE_SIZE, examples);
    }

    /**
     * Examples a train probe needs for a snapshot before it is full, e.g. when a short run ends (default 32). A
     * program whose whole data set is smaller than {@code probeSize} gets a probe of every distinct example it trained
     * on, each once, as soon as it trains on an example a second time.
     */
    public LandscapeListenerBuilder probeMin(int examples) {
        return set(ConfigOption.PROBE_MIN, examples);
    }

    /**
     * Every {@code k}-th training minibatch (k >= 2) goes to a validation probe instead of the train probe: held out
     * from the probe, not from training. For programs that give no validation data; 0 (default) is off.
     */
    public LandscapeListenerBuilder holdout(int k) {
        return set(ConfigOption.HOLDOUT, k);
    }

    /**
     * Megabytes of parameter checkpoints a run keeps, initial, periodic and final together (default 256): a big
     * model keeps fewer periodic checkpoints, or none.
     */
    public LandscapeListenerBuilder checkpointMB(int megabytes) {
        return set(ConfigOption.CHECKPOINT_MB, megabytes);
    }

    /**
     * ND4J's and BLAS's threads while a snapshot runs (default 1; 0 leaves ND4J's own setting). JVM-wide and restored
     * after each snapshot: the training thread is paused meanwhile, a model trained in another thread is not.
     */
    public LandscapeListenerBuilder snapshotThreads(int threads) {
        return set(ConfigOption.SNAPSHOT_THREADS, threads);
    }

    /**
     * With {@code budget:P%}: the final snapshot (at {@link LandscapeListener#close()}) is taken whatever the budget,
     * at the richest level predicted to take at most the budget's room or this many seconds, whichever is longer
     * (default 0: the budget's room only; a glance at least). E.g. 60 for a full final snapshot of a short
     * run.
     */
    public LandscapeListenerBuilder finalSeconds(int seconds) {
        return set(ConfigOption.FINAL_SECONDS, seconds);
    }

    /** Points per side of surfaces and along slices (default 21). */
    public LandscapeListenerBuilder grid(int points) {
        return set(ConfigOption.GRID, points);
    }

    /** Half-width of the random plane and line (default 1.0). */
    public LandscapeListenerBuilder range(double range) {
        return set(ConfigOption.RANGE, range);
    }

    /** Direction normalization (default filter). */
    public LandscapeListenerBuilder normalization(io.github.landscape4j.direction.Normalization normalization) {
        return set(ConfigOption.NORMALIZATION, normalization.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether directions move biases and batch-norm gamma/beta (default false). */
    public LandscapeListenerBuilder biasBn(boolean include) {
        return set(ConfigOption.BIAS_BN, include);
    }

    /** 2D surfaces: any of {@code random}, {@code pca}, {@code hessian} (default random and pca). */
    public LandscapeListenerBuilder planes(String... planes) {
        return set(ConfigOption.PLANES, planes.length == 0 ? "none" : String.join("+", planes));
    }

    /** Whether 1D slices are computed (default true). */
    public LandscapeListenerBuilder slices(boolean on) {
        return set(ConfigOption.SLICES, on);
    }

    /** Radius of the sharpness measures (default 1e-3). */
    public LandscapeListenerBuilder epsilon(double eps) {
        return set(ConfigOption.EPSILON, eps);
    }

    /** Directions of the random-perturbation sharpness, 0 for off (default 20). */
    public LandscapeListenerBuilder sharpnessK(int k) {
        return set(ConfigOption.SHARPNESS_K, k);
    }

    /** Gradient-ascent steps of ε-sharpness, 0 for off (default 10). */
    public LandscapeListenerBuilder ascentSteps(int steps) {
        return set(ConfigOption.ASCENT_STEPS, steps);
    }

    /**
     * Parameters in the ε-sharpness box: {@code true} (default) every trainable parameter, biases and batch-norm
     * gamma/beta included, as Keskar et al.'s Metric 2.1; {@code false} only what the directions move.
     */
    public LandscapeListenerBuilder sharpnessBoxAll(boolean all) {
        return set(ConfigOption.SHARPNESS_BOX, all ? "all" : "weights");
    }

    /**
     * Parameters of the curvature measures (top Hessian eigenvalue, trace, probe gradient norm): {@code true}
     * (default) every trainable parameter, as PyHessian; {@code false} the weights-only block.
     */
    public LandscapeListenerBuilder curvatureAll(boolean all) {
        return set(ConfigOption.CURVATURE, all ? "all" : "weights");
    }

    /** PCA of the trajectory centred ({@code true}, default, as Li et al.'s code) or uncentred. */
    public LandscapeListenerBuilder pcaCentred(boolean centred) {
        return set(ConfigOption.PCA, centred ? "centred" : "uncentred");
    }

    /** Power-iteration steps of the top Hessian eigenvalue, 0 for off (default 20). */
    public LandscapeListenerBuilder hessianIterations(int steps) {
        return set(ConfigOption.HESSIAN_ITERATIONS, steps);
    }

    /** Hutchinson samples of the Hessian trace, 0 for off (default 10). */
    public LandscapeListenerBuilder hutchinson(int samples) {
        return set(ConfigOption.HUTCHINSON, samples);
    }

    /**
     * More Hutchinson samples (up to 4x {@link #hutchinson}) until the trace's standard error is at most this fraction
     * of it; 0 for exactly {@code hutchinson} samples (default 0.05).
     */
    public LandscapeListenerBuilder traceSe(double fraction) {
        return set(ConfigOption.TRACE_SE, fraction);
    }

    /**
     * Whether 2D planes also evaluate the validation probe (default false: the page draws train-loss surfaces; slices
     * always take both probes).
     */
    public LandscapeListenerBuilder planeValidation(boolean on) {
        return set(ConfigOption.PLANE_VALIDATION, on);
    }

    /** Whether sharpness and top eigenvalue are also computed per weight tensor (default true). */
    public LandscapeListenerBuilder perTensorMeasures(boolean on) {
        return set(ConfigOption.PER_TENSOR_MEASURES, on);
    }

    /**
     * Serves the live Landscape page from DL4J's UI server on {@code port} (0: any free port), started or reused
     * at {@link #build()}, bound to localhost unless {@code -Dlandscape4j.ui.host} says otherwise. Needs
     * {@code landscape4j-ui-extension} on the class path and a store (not a bare router). Default: off.
     */
    /**
     * Adds a measure of your own ({@link io.github.landscape4j.engine.Measure}) to every snapshot, after the
     * standard ones; its descriptors are stored with the run and label its values on the page.
     */
    public LandscapeListenerBuilder measure(io.github.landscape4j.engine.Measure measure) {
        measures.add(java.util.Objects.requireNonNull(measure, "measure"));
        return this;
    }

    public LandscapeListenerBuilder ui(int port) {
        return set(ConfigOption.UI, port);
    }

    /** Sets options by their string spelling ({@link ConfigOption#key()}), as the agent does. */
    public LandscapeListenerBuilder options(Map<String, String> byKey) {
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
        int targets = (store != null ? 1 : 0) + (router != null ? 1 : 0) + (opener != null ? 1 : 0)
                + (config.store().isPresent() ? 1 : 0);
        if (targets != 1) {
            throw new InvalidConfigException(List.of(ConfigOption.STORE.key() + "="
                    + config.store().map(Path::toString).orElse("") + ": give exactly one of store(Path),"
                    + " store(LandscapeStore), store(Supplier) or router(StatsStorageRouter); " + targets
                    + " given"));
        }
        int size = config.probeSize();
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
        if (opener != null && uiStart == null) {
            listener = new LandscapeListener(config, new DeferredRouter(opener), null, false, train, val, measures);
        } else if (opener != null) {
            LandscapeStore open = new DeferredRouter(opener).resolveStore();
            listener = new LandscapeListener(config, open.statsStorage(), open, false, train, val, measures);
        } else if (router != null) {
            listener = new LandscapeListener(config, router, null, false, train, val, measures);
        } else if (store != null) {
            listener = new LandscapeListener(config, store.statsStorage(), store, false, train, val, measures);
        } else {
            LandscapeStore opened = LandscapeStore.open(config.store().orElseThrow());
            listener = new LandscapeListener(config, opened.statsStorage(), opened, true, train, val, measures);
        }
        if (uiStart != null) {
            try {
                listener.attachUi(UiStarter.start(uiStart, config.ui().getAsInt(),
                        (org.deeplearning4j.core.storage.StatsStorage) listener.router()));
            } catch (RuntimeException e) {
                listener.close();
                throw e;
            }
        }
        return listener;
    }
}
