package io.github.landscape4j.listener;

import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.internal.SnapshotSchedule;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The listener's options, validated. Made by {@link LandscapeListener#builder()} or, from strings (agent
 * arguments, system properties), by {@link #parse(Map)}. See {@link ConfigOption} for names and defaults.
 *
 * @param store           store file, when the listener opens its own store
 * @param runName         run name
 * @param tags            run tags
 * @param seed            seed of the plugin's own random generator
 * @param every           record scalars every {@code every} iterations; {@link #AUTO}: adapted to their cost
 * @param perTensor       whether norms are also recorded per parameter tensor
 * @param tensorEvery     per-tensor norms on every {@code tensorEvery}-th recorded row
 * @param checkpointEvery initial interval between periodic checkpoints, in iterations
 * @param maxCheckpoints  periodic checkpoints kept; when full, every other one is dropped and the interval doubles
 * @param commitEvery     scalar rows per commit, at most
 * @param commitMillis    milliseconds between commits, at most
 * @param ui              port of the live page (0: any free port); empty when off
 * @param schedule        when snapshots are taken: {@code off}, {@code every:N}, {@code epoch} or {@code budget:P%}
 * @param probeSize       examples per probe
 * @param snapshots       what a snapshot computes
 * @param probeMin        examples a train probe needs before it is full (see {@link ConfigOption#PROBE_MIN})
 * @param holdout         every {@code holdout}-th training minibatch to the validation probe; 0: off
 * @param checkpointMB    megabytes of checkpoints a run keeps
 * @param snapshotThreads ND4J's and BLAS's threads while a snapshot runs (0: ND4J's own setting)
 * @param finalSeconds    with {@code budget:P%}, what the final snapshot's level is chosen to fit at least, in
 *                        seconds
 * @param writerNice      Linux nice value the store's writer thread takes (0: the JVM's own)
 */
public record LandscapeConfig(Optional<Path> store, String runName, List<String> tags, long seed, int every,
                              boolean perTensor, int tensorEvery, int checkpointEvery, int maxCheckpoints, int commitEvery,
                              long commitMillis, OptionalInt ui, String schedule, int probeSize,
                              SnapshotConfig snapshots, int probeMin, int holdout, int checkpointMB,
                              int snapshotThreads, int finalSeconds, int writerNice) {

    public LandscapeConfig {
        tags = List.copyOf(tags);
    }

    /** Whether snapshots are taken at all. */
    public boolean snapshotsEnabled() {
        return SnapshotSchedule.parse(schedule).kind() != SnapshotSchedule.Kind.OFF;
    }

    /** Bytes of checkpoints a run keeps. */
    public long checkpointBytes() {
        return checkpointMB * 1_000_000L;
    }

    /** The keys of the options that say what a snapshot computes (those of {@link SnapshotConfig}). */
    public static java.util.Set<String> snapshotOptionKeys() {
        return SnapshotOptions.asOptions(defaults().snapshots()).keySet();
    }

    /** The defaults, with no store. */
    public static LandscapeConfig defaults() {
        return parse(Map.of());
    }

    /**
     * Parses options given as strings by their {@link ConfigOption#key()}; missing keys take their defaults.
     *
     * @throws InvalidConfigException listing every unknown key and every bad value with what is allowed
     */
    public static LandscapeConfig parse(Map<String, String> options) {
        Parser p = new Parser(options);
        for (String key : options.keySet()) {
            if (ConfigOption.byKey(key).isEmpty()) {
                p.problems.add(key + "=" + options.get(key) + ": unknown option; known options: "
                        + Arrays.stream(ConfigOption.values()).map(ConfigOption::key).collect(Collectors.joining(", ")));
            }
        }
        Optional<Path> store = p.path(ConfigOption.STORE);
        String run = p.string(ConfigOption.RUN);
        if (run.isBlank() || !run.matches("[A-Za-z0-9._-]+")) {
            p.bad(ConfigOption.RUN);
        }
        List<String> tags = Arrays.stream(p.string(ConfigOption.TAGS).split(";")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        long seed = p.integer(ConfigOption.SEED);
        int every = parseEvery(p);
        boolean perTensor = p.bool(ConfigOption.PER_TENSOR);
        int tensorEvery = (int) p.integer(ConfigOption.TENSOR_EVERY);
        int checkpointEvery = (int) p.integer(ConfigOption.CHECKPOINT_EVERY);
        int maxCheckpoints = (int) p.integer(ConfigOption.MAX_CHECKPOINTS);
        int commitEvery = (int) p.integer(ConfigOption.COMMIT_EVERY);
        long commitMillis = p.integer(ConfigOption.COMMIT_MILLIS);
        String schedule = p.string(ConfigOption.SNAPSHOT).toLowerCase(java.util.Locale.ROOT);
        if (SnapshotSchedule.parse(schedule) == null) {
            p.bad(ConfigOption.SNAPSHOT);
        }
        int probeSize = (int) p.integer(ConfigOption.PROBE_SIZE);
        SnapshotConfig snapshots = SnapshotOptions.parse(p);
        int probeMin = (int) p.integer(ConfigOption.PROBE_MIN);
        int holdout = (int) p.integer(ConfigOption.HOLDOUT);
        if (holdout == 1) {
            p.bad(ConfigOption.HOLDOUT);
        }
        int checkpointMB = (int) p.integer(ConfigOption.CHECKPOINT_MB);
        int snapshotThreads = (int) p.integer(ConfigOption.SNAPSHOT_THREADS);
        int finalSeconds = (int) p.integer(ConfigOption.FINAL_SECONDS);
        int writerNice = (int) p.integer(ConfigOption.WRITER_NICE);
        OptionalInt ui = p.string(ConfigOption.UI).isEmpty() ? OptionalInt.empty()
                : OptionalInt.of((int) p.integer(ConfigOption.UI));
        if (!p.problems.isEmpty()) {
            throw new InvalidConfigException(p.problems);
        }
        return new LandscapeConfig(store, run, tags, seed, every, perTensor, tensorEvery, checkpointEvery, maxCheckpoints,
                commitEvery, commitMillis, ui, schedule, probeSize, snapshots, probeMin, holdout, checkpointMB,
                snapshotThreads, finalSeconds, writerNice);
    }

    /** {@link #every()} of {@code every=auto}: the cadence adapts to the cost of recording. */
    public static final int AUTO = 0;

    private static int parseEvery(Parser p) {
        String v = p.string(ConfigOption.EVERY);
        if (v.equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 1 && n <= 1_000_000) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        p.bad(ConfigOption.EVERY);
        return AUTO;
    }

    /** The options as strings by key, as written into the run's metadata. */
    public Map<String, String> asOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConfigOption.STORE.key(), store.map(Path::toString).orElse(""));
        m.put(ConfigOption.RUN.key(), runName);
        m.put(ConfigOption.TAGS.key(), String.join(";", tags));
        m.put(ConfigOption.SEED.key(), Long.toString(seed));
        m.put(ConfigOption.EVERY.key(), every == AUTO ? "auto" : Integer.toString(every));
        m.put(ConfigOption.PER_TENSOR.key(), Boolean.toString(perTensor));
        m.put(ConfigOption.TENSOR_EVERY.key(), Integer.toString(tensorEvery));
        m.put(ConfigOption.CHECKPOINT_EVERY.key(), Integer.toString(checkpointEvery));
        m.put(ConfigOption.MAX_CHECKPOINTS.key(), Integer.toString(maxCheckpoints));
        m.put(ConfigOption.COMMIT_EVERY.key(), Integer.toString(commitEvery));
        m.put(ConfigOption.COMMIT_MILLIS.key(), Long.toString(commitMillis));
        m.put(ConfigOption.WRITER_NICE.key(), Integer.toString(writerNice));
        m.put(ConfigOption.UI.key(), ui.isPresent() ? Integer.toString(ui.getAsInt()) : "");
        m.put(ConfigOption.SNAPSHOT.key(), schedule);
        m.put(ConfigOption.PROBE_SIZE.key(), Integer.toString(probeSize));
        m.put(ConfigOption.PROBE_MIN.key(), Integer.toString(probeMin));
        m.put(ConfigOption.HOLDOUT.key(), Integer.toString(holdout));
        m.put(ConfigOption.CHECKPOINT_MB.key(), Integer.toString(checkpointMB));
        m.put(ConfigOption.SNAPSHOT_THREADS.key(), Integer.toString(snapshotThreads));
        m.put(ConfigOption.FINAL_SECONDS.key(), Integer.toString(finalSeconds));
        m.putAll(SnapshotOptions.asOptions(snapshots));
        return m;
    }

    static final class Parser {
        final Map<String, String> options;
        final List<String> problems = new ArrayList<>();

        Parser(Map<String, String> options) {
            this.options = options;
        }

        String string(ConfigOption o) {
            String v = options.get(o.key());
            return v == null ? o.defaultValue() : v.trim();
        }

        /** Reports the option's value as bad, with what the option allows. */
        void bad(ConfigOption o) {
            problems.add(o.key() + "=" + string(o) + ": must be " + o.allowed().allowed());
        }

        /** An {@link OptionValues.Kind#INTEGER} option, within its declared bounds. */
        long integer(ConfigOption o) {
            OptionValues allowed = o.allowed();
            if (allowed.kind() != OptionValues.Kind.INTEGER) {
                throw new IllegalStateException("option " + o.key() + " is not an integer option");
            }
            long min = allowed.min();
            long max = allowed.max();
            try {
                long v = Long.parseLong(string(o));
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            bad(o);
            return Long.parseLong(o.defaultValue().isEmpty() ? "0" : o.defaultValue());
        }

        double positive(ConfigOption o) {
            try {
                double v = Double.parseDouble(string(o));
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            bad(o);
            return Double.parseDouble(o.defaultValue());
        }

        /** A {@link OptionValues.Kind#CHOICE} option's word (lower case); the default when bad. */
        String choice(ConfigOption o) {
            String v = string(o).toLowerCase(java.util.Locale.ROOT);
            if (o.allowed().choices().contains(v)) {
                return v;
            }
            bad(o);
            return o.defaultValue();
        }

        boolean bool(ConfigOption o) {
            String v = string(o);
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            bad(o);
            return Boolean.parseBoolean(o.defaultValue());
        }

        Optional<Path> path(ConfigOption o) {
            String v = string(o);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Path.of(v));
            } catch (InvalidPathException e) {
                problems.add(o.key() + "=" + v + ": must be a file path (" + e.getReason() + ")");
                return Optional.empty();
            }
        }
    }
}
