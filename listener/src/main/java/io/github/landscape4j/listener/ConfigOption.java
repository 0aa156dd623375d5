package io.github.landscape4j.listener;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every option of the listener, with the one spelling shared by the builder's documentation, the agent argument
 * ({@code key=value}) and system properties ({@code -Dlandscape4j.key=value}).
 */
public enum ConfigOption {
    STORE("store", "", "path of the MapDB store file (created if missing); required unless the builder is given"
            + " a store object"),
    RUN("run", "run", "run name; the run id is the name plus start time and a random suffix"),
    TAGS("tags", "", "tags of the run, separated by ';'"),
    SEED("seed", "42", "seed of the plugin's own random generator (directions, probe sample)"),
    EVERY("every", "1", "record scalars every N iterations, 1..1000000"),
    PER_TENSOR("perTensor", "true", "also record norms per parameter tensor: true or false"),
    TENSOR_EVERY("tensorEvery", "10", "per-tensor norms on every Nth recorded row (NaN on the others), 1..1000000"),
    CHECKPOINT_EVERY("checkpointEvery", "50", "take a parameter checkpoint every N iterations, 1..1000000"),
    MAX_CHECKPOINTS("maxCheckpoints", "64", "periodic checkpoints kept (thinned by halving when full), 4..100000"),
    COMMIT_EVERY("commitEvery", "100", "commit scalar records at least every N recorded iterations, 1..1000000"),
    COMMIT_MILLIS("commitMillis", "2000", "commit scalar records at least every N milliseconds, 1..3600000"),
    SNAPSHOT("snapshot", "budget:10%", "when to take landscape snapshots: off, every:N (iterations), epoch, or"
            + " budget:P% (of wall time, 0<P<=100)"),
    PROBE_SIZE("probeSize", "2000", "examples in the train (and validation) probe, 10..1000000"),
    PROBE_MIN("probeMin", "32", "examples a train probe needs for a snapshot before it is full (a run that ends"
            + " early); a program whose whole data set is smaller needs none of this: its probe is every distinct"
            + " example, each once; 1..1000000"),
    HOLDOUT("holdout", "0", "0 (off) or k in 2..1000: every kth training minibatch goes to a validation probe instead"
            + " of the train probe (held out from the probe, not from training); ignored when a train probe or"
            + " validation data is given"),
    CHECKPOINT_MB("checkpointMB", "256", "megabytes of parameter checkpoints a run keeps (initial, periodic and"
            + " final together, 4 bytes a parameter); periodic ones are dropped to stay within it, 1..1000000"),
    GRID("grid", "21", "points per side of 2D surfaces and along 1D slices, 3..201"),
    RANGE("range", "1.0", "half-width of the random plane and random slice, in direction units, >0"),
    NORMALIZATION("normalization", "filter", "direction normalization: filter, layer or none"),
    BIAS_BN("biasbn", "false", "let directions move biases and batch-norm gamma/beta: true or false"),
    PLANES("planes", "random+pca", "2D surfaces to compute: any of random, pca, hessian joined by '+', or none"),
    SLICES("slices", "true", "1D slices (random line, interpolation initial to current): true or false"),
    EPSILON("epsilon", "0.001", "radius of the sharpness measures (Keskar's ε), >0"),
    SHARPNESS_K("sharpnessK", "20", "directions of the random-perturbation sharpness, 0 (off)..1000"),
    ASCENT_STEPS("ascentSteps", "10", "loss evaluations of the projected ascent of ε-sharpness and its adaptive"
            + " variant (restarts included), 0 (off)..1000"),
    SHARPNESS_BOX("sharpnessBox", "all", "parameters in the ε-sharpness box: all (Keskar et al.'s Metric 2.1, biases"
            + " and batch-norm gamma/beta included) or weights (what the directions move)"),
    HESSIAN_ITERATIONS("hessianIterations", "20", "power-iteration steps for the top Hessian eigenvalue, 0 (off)..1000"),
    HUTCHINSON("hutchinson", "10", "Rademacher samples of Hutchinson's trace estimate, 0 (off)..1000"),
    CURVATURE("curvature", "all", "parameters of the top Hessian eigenvalue, the trace and the probe gradient norm:"
            + " all (every trainable parameter, as PyHessian) or weights (the weights-only block)"),
    PCA("pca", "centred", "PCA of the trajectory: centred (Li et al.'s code, sklearn's PCA) or uncentred"),
    PER_TENSOR_MEASURES("perTensorMeasures", "true", "also sharpness and top eigenvalue with one weight tensor"
            + " perturbed at a time: true or false"),
    UI("ui", "", "serve the live Landscape page on this port (0: any free port, else 1..65535) from DL4J's UI server;"
            + " needs landscape4j-ui-extension on the class path; empty: off");

    /** Prefix of the system properties: {@code -Dlandscape4j.every=5}. */
    public static final String PROPERTY_PREFIX = "landscape4j.";

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
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
        return description;
    }

    /** The option with this key, if any. */
    public static Optional<ConfigOption> byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }
}
