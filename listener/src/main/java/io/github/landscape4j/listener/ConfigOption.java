package io.github.landscape4j.listener;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every option of the listener, with the one spelling shared by the builder's documentation, the agent argument
 * ({@code key=value}) and system properties ({@code -Dlandscape4j.key=value}), its default and the values it allows
 * ({@link OptionValues}): the parser, its messages, the descriptions and the README table's check all read them here.
 */
public enum ConfigOption {
    STORE("store", "", OptionValues.text("a file path"),
            "path of the MapDB store file (created if missing); required unless the builder is given a store object"),
    RUN("run", "run", OptionValues.text("a non-empty name of letters, digits, '.', '_' or '-'"),
            "run name; the run id is the name plus start time and a random suffix"),
    TAGS("tags", "", OptionValues.text("tags separated by ';'"),
            "tags of the run, separated by ';'"),
    SEED("seed", "42", OptionValues.integer(Long.MIN_VALUE, Long.MAX_VALUE),
            "seed of the plugin's own random generator (directions, probe sample)"),
    EVERY("every", "auto", OptionValues.text("auto or an integer in [1, 1000000]"),
            "record scalars every N iterations; auto: every iteration while a row costs under 0.25% of the time"
                    + " between iterations, else every 2nd, 4th, ... iteration"),
    PER_TENSOR("perTensor", "true", OptionValues.bool(),
            "also record norms per parameter tensor"),
    TENSOR_EVERY("tensorEvery", "10", OptionValues.integer(1, 1_000_000),
            "per-tensor norms on every Nth recorded row (NaN on the others)"),
    CHECKPOINT_EVERY("checkpointEvery", "50", OptionValues.integer(1, 1_000_000),
            "take a parameter checkpoint every N iterations"),
    MAX_CHECKPOINTS("maxCheckpoints", "64", OptionValues.integer(4, 100_000),
            "periodic checkpoints kept (thinned by halving when full)"),
    COMMIT_EVERY("commitEvery", "100", OptionValues.integer(1, 1_000_000),
            "commit scalar records at least every N recorded iterations"),
    COMMIT_MILLIS("commitMillis", "2000", OptionValues.integer(1, 3_600_000),
            "commit scalar records at least every N milliseconds"),
    WRITER_NICE("writerNice", "10", OptionValues.integer(0, 19),
            "Linux nice value of the store's writer thread (0..19; 0 leaves it as the JVM's): it yields the CPU to "
            + "training and writes while training leaves a core idle"),
    SNAPSHOT("snapshot", "budget:10%", OptionValues.text("off, every:N (N >= 1), epoch or budget:P% (0 < P <= 100)"),
            "when to take landscape snapshots: off, every:N (iterations), epoch, or budget:P% (of wall time, "
            + "0<P<=100)"),
    FINAL_SECONDS("finalSeconds", "0", OptionValues.integer(0, 86_400),
            "with snapshot=budget:P%, the final snapshot (at close(), or when main returns under the agent) is taken "
            + "whatever the budget, at the richest level predicted to take at most the budget's room or this many "
            + "seconds, whichever is longer (0: the budget's room only), a glance at least"),
    PROBE_SIZE("probeSize", "2000", OptionValues.integer(10, 1_000_000),
            "examples in the train (and validation) probe"),
    PROBE_MIN("probeMin", "32", OptionValues.integer(1, 1_000_000),
            "examples a train probe needs for a snapshot before it is full (a run that ends early); a program whose "
            + "whole data set is smaller needs none of this: its probe is every distinct example, each once"),
    HOLDOUT("holdout", "0", OptionValues.integer(0, 1000, "0 (off) or an integer in [2, 1000]"),
            "0 (off) or k in 2..1000: every kth training minibatch goes to a validation probe instead of the train "
            + "probe (held out from the probe, not from training); ignored when a train probe or validation data is "
            + "given"),
    CHECKPOINT_MB("checkpointMB", "256", OptionValues.integer(1, 1_000_000),
            "megabytes of parameter checkpoints a run keeps (initial, periodic and final together, 4 bytes a "
            + "parameter); periodic ones are dropped to stay within it"),
    SNAPSHOT_THREADS("snapshotThreads", Integer.toString(io.github.landscape4j.engine.LandscapeEngine.DEFAULT_THREADS),
            OptionValues.integer(0, 1024),
            "ND4J and BLAS threads while a snapshot runs (JVM-wide, restored after it; training is paused meanwhile); "
            + "0 leaves ND4J's own setting"),
    GRID("grid", "21", OptionValues.integer(3, 201),
            "points per side of 2D surfaces and along 1D slices"),
    RANGE("range", "1.0", OptionValues.positive(),
            "half-width of the random plane and random slice, in direction units"),
    NORMALIZATION("normalization", "filter", OptionValues.choice("filter", "layer", "none"),
            "direction normalization (filter: Li et al. 2018)"),
    BIAS_BN("biasbn", "false", OptionValues.bool(),
            "let directions move biases and batch-norm gamma/beta"),
    PLANES("planes", "random+pca", OptionValues.text("none or names from random, pca, hessian joined by '+'"),
            "2D surfaces to compute: any of random, pca, hessian joined by '+', or none"),
    PLANE_VALIDATION("planeValidation", "false", OptionValues.bool(),
            "2D planes also on the validation probe (slices always are); each grid point then costs a second pass"),
    SLICES("slices", "true", OptionValues.bool(),
            "1D slices (random line, interpolation initial to current)"),
    EPSILON("epsilon", "0.001", OptionValues.positive(),
            "radius of the sharpness measures (Keskar's ε)"),
    SHARPNESS_K("sharpnessK", "20", OptionValues.integer(0, 1000),
            "directions of the random-perturbation sharpness"),
    ASCENT_STEPS("ascentSteps", "10", OptionValues.integer(0, 1000),
            "loss evaluations of the projected ascent of ε-sharpness and its adaptive variant (restarts included)"),
    SHARPNESS_BOX("sharpnessBox", "all", OptionValues.choice("all", "weights"),
            "parameters in the ε-sharpness box: all (Keskar et al.'s Metric 2.1, biases and batch-norm gamma/beta "
            + "included) or weights (what the directions move)"),
    HESSIAN_ITERATIONS("hessianIterations", "20", OptionValues.integer(0, 1000),
            "Hessian-vector products at most for the top Hessian eigenvalue (Lanczos steps)"),
    HUTCHINSON("hutchinson", "10", OptionValues.integer(0, 1000),
            "Rademacher samples of Hutchinson's trace estimate (at least; see traceSe)"),
    TRACE_SE("traceSe", "0.05", OptionValues.text("0 or a number in (0, 1)"),
            "more Hutchinson samples, up to 4 x hutchinson, until the trace's standard error is at most this fraction "
            + "of it; 0: exactly hutchinson samples"),
    CURVATURE("curvature", "all", OptionValues.choice("all", "weights"),
            "parameters of the top Hessian eigenvalue, the trace and the probe gradient norm: all (every trainable "
            + "parameter, as PyHessian) or weights (the weights-only block)"),
    PCA("pca", "centred", OptionValues.choice("centred", "uncentred"),
            "PCA of the trajectory: centred (Li et al.'s code, sklearn's PCA) or uncentred"),
    PER_TENSOR_MEASURES("perTensorMeasures", "true", OptionValues.bool(),
            "also sharpness and top eigenvalue with one weight tensor perturbed at a time"),
    UI("ui", "", OptionValues.integer(0, 65_535, "empty (off), 0 (any free port) or a port in [1, 65535]"),
            "serve the live Landscape page on this port (0: any free port, else 1..65535) from DL4J's UI server; "
            + "needs landscape4j-ui-extension on the class path; empty: off");

    /** Prefix of the system properties: {@code -Dlandscape4j.every=5}. */
    public static final String PROPERTY_PREFIX = "landscape4j.";

    private final String key;
    private final String defaultValue;
    private final OptionValues values;
    private final String description;

    ConfigOption(String key, String defaultValue, OptionValues values, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.values = values;
        this.description = description;
    }

    /** The values it allows. */
    public OptionValues allowed() {
        return values;
    }

    /** The option's name in agent arguments and after {@link #PROPERTY_PREFIX} in system properties. */
    public String key() {
        return key;
    }

    /** The default, as a string ({@code ""} for none). */
    public String defaultValue() {
        return defaultValue;
    }

    /** What it does and which values are allowed. */
    public String description() {
        return description + "; " + values.allowed();
    }

    /** The option with this key, if any. */
    public static Optional<ConfigOption> byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }
}
