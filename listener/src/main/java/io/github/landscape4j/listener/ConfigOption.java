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
    CHECKPOINT_EVERY("checkpointEvery", "10", "take a parameter checkpoint every N iterations, 1..1000000"),
    MAX_CHECKPOINTS("maxCheckpoints", "64", "periodic checkpoints kept (thinned by halving when full), 4..100000"),
    COMMIT_EVERY("commitEvery", "100", "commit scalar records at least every N recorded iterations, 1..1000000"),
    COMMIT_MILLIS("commitMillis", "2000", "commit scalar records at least every N milliseconds, 1..3600000"),
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
