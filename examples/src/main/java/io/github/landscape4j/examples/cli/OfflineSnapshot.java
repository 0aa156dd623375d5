package io.github.landscape4j.examples.cli;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.examples.Args;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.RunWriter;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The offline command ({@code examples/landscape.sh}): computes one snapshot at any resolution of a checkpoint stored
 * in a run (or of a model file) through the engine, and writes it as a new run into a store the live page and the
 * launcher show; optionally exports it as {@code .npy} files. See {@link #USAGE}.
 */
public final class OfflineSnapshot {
    static final String USAGE = """
            usage: examples/landscape.sh (--store FILE --run RUN_ID | --model MODEL.zip) [options]
              --checkpoint final|initial|ITERATION  which stored parameters of the run (default final)
              --data fashion-mnist|npy:DIR          probes: Fashion-MNIST train/test, or an export's train_/val_ .npy files
              --probe-size N                        examples per probe (default 2000)
              --grid N                              points per side (default 51, Li et al.'s resolution)
              --planes random+pca+hessian|...       planes (default: the run's, or random for a model file)
              --options 'key=value;key=value'       any other snapshot option (see the README's option table)
              --out FILE                            store to write the snapshot into as a new run (default offline.db)
              --export DIR                          also write the snapshot's .npy files for reproduction
              --spark MASTER                        evaluate the planes as Apache Spark tasks on MASTER: local[*] (every
                                                    core of this JVM), local[N], spark://HOST:PORT, yarn; the same
                                                    numbers bit for bit as without it
            """;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private OfflineSnapshot() {
    }

    public static void main(String[] argv) throws Exception {
        Args a;
        try {
            a = new Args(argv, Set.of("store", "run", "model", "checkpoint", "data", "probe-size", "grid", "planes",
                    "options", "out", "export", "spark"));
            run(a);
        } catch (IllegalArgumentException e) {
            System.err.println("landscape.sh: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (io.github.landscape4j.store.StoreException e) { // a missing or damaged store, an unknown run
            System.err.println("landscape.sh: " + e.getMessage());
            System.exit(2);
        }
    }

    static String run(Args a) throws IOException {
        String master = a.get("spark", "");
        if (!master.isEmpty() && !a.get("export", "").isEmpty()) { // before any work
            throw new IllegalArgumentException("--spark and --export together: export without --spark (the same"
                    + " numbers)");
        }
        boolean fromStore = !a.get("store", "").isEmpty();
        if (fromStore == !a.get("model", "").isEmpty()) {
            throw new IllegalArgumentException("give either --store FILE --run RUN_ID or --model MODEL.zip");
        }
        Map<String, String> options = new HashMap<>();
        RunInfo source = null;
        LandscapeEngine.Builder builder;
        List<INDArray> trajectory = new ArrayList<>();
        List<Long> iterations = new ArrayList<>();
        INDArray initial = null;
        long iteration = 0;
        int epoch = 0;
        if (fromStore) {
            String runId = a.get("run", "");
            if (runId.isEmpty()) {
                throw new IllegalArgumentException("--store needs --run RUN_ID");
            }
            try (LandscapeStore in = LandscapeStore.openExisting(Path.of(a.get("store", "")))) {
                source = in.run(runId);
                options.putAll(source.listenerConfig());
                List<Checkpoint> cps = in.checkpoints(runId);
                Checkpoint centre = pick(cps, a.get("checkpoint", "final"), runId);
                iteration = centre.iteration();
                epoch = centre.epoch();
                for (Checkpoint c : cps) {
                    if (c.kind() == Checkpoint.Kind.INITIAL) {
                        initial = Nd4j.createFromArray(c.params());
                    }
                    if (c.kind() != Checkpoint.Kind.FINAL && c.iteration() <= centre.iteration()) {
                        trajectory.add(Nd4j.createFromArray(c.params()));
                        iterations.add(c.iteration());
                    }
                }
                builder = LandscapeEngine.builder(source.modelClass(), source.modelConfigJson(),
                        Nd4j.createFromArray(centre.params()));
            }
        } else {
            builder = LandscapeEngine.builder(Path.of(a.get("model", "")));
            options.put("planes", "random");
        }
        options.keySet().retainAll(snapshotKeys()); // the run's recording options do not apply offline
        options.put("grid", Integer.toString(a.getInt("grid", 51)));
        if (!a.get("planes", "").isEmpty()) {
            options.put("planes", a.get("planes", ""));
        }
        for (String kv : a.get("options", "").split(";")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                if (p.length != 2) {
                    throw new IllegalArgumentException("--options: '" + kv + "' is not key=value");
                }
                options.put(p[0].trim(), p[1].trim());
            }
        }
        options.put("ui", "");
        options.put("store", "");
        LandscapeConfig config = LandscapeConfig.parse(options); // names every bad option and what is allowed
        SnapshotConfig snapshots = config.snapshots();
        if (snapshots.grid() > 201) {
            throw new IllegalArgumentException("--grid " + snapshots.grid() + ": at most 201");
        }
        long seed = source != null ? source.seed() : config.seed();
        LandscapeEngine engine = builder.config(snapshots).seed(seed).build();
        Probe[] probes = probes(a.get("data", "fashion-mnist"), a.getInt("probe-size", config.probeSize()));
        SnapshotRequest request = SnapshotRequest.of(probes[0]).withValidation(probes[1])
                .withTrajectory(trajectory, iterations.stream().mapToLong(Long::longValue).toArray(), initial)
                .at(0, iteration, epoch, 0).withLimit("offline", Long.MAX_VALUE, () -> false);
        long t0 = System.nanoTime();
        Snapshot s = !master.isEmpty() ? onSpark(master, engine, request) : a.get("export", "").isEmpty()
                ? engine.snapshot(request) : engine.snapshotAndExport(request, Path.of(a.get("export", "")));
        double seconds = (System.nanoTime() - t0) / 1e9;

        Instant now = Instant.now();
        String name = (source == null ? "model" : source.name()) + "-offline";
        String runId = name + "-" + ID_TIME.format(now) + "-" + Long.toHexString(System.nanoTime() & 0xffff);
        Map<String, String> written = new LinkedHashMap<>(config.asOptions());
        written.put("source", source == null ? a.get("model", "") : a.get("store", "") + "#" + source.runId()
                + "@" + a.get("checkpoint", "final"));
        if (!master.isEmpty()) {
            written.put("spark", master);
        }
        long numParams = engine.tensors().stream().mapToLong(io.github.landscape4j.store.ParameterTensor::length).sum();
        RunInfo info = new RunInfo(runId, "offline", name, List.of("offline"), seed, now, engine.modelClass(),
                engine.modelConfigJson(), numParams, engine.tensors(), written,
                source == null ? Map.of() : source.versions(), 0,
                engine.measures());
        Path out = Path.of(a.get("out", "offline.db"));
        try (LandscapeStore store = LandscapeStore.open(out); RunWriter w = RunWriter.begin(store, info)) {
            w.checkpoint(iteration, epoch, Checkpoint.Kind.FINAL, engine.modelParams());
            w.snapshot(s);
        }
        System.out.printf(Locale.ROOT, "landscape.sh: %dx%d snapshot of %s at iteration %d in %.1f s%s: train loss"
                        + " %.4f; written as run %s into %s%s%n", snapshots.grid(), snapshots.grid(),
                source == null ? a.get("model", "") : source.runId(), iteration, seconds,
                master.isEmpty() ? "" : " on Spark " + master, s.measure("train_loss"),
                runId, out, a.get("export", "").isEmpty() ? "" : "; exported to " + a.get("export", ""));
        return runId;
    }

    /** The snapshot with its planes' rows as Spark tasks ({@code landscape4j-spark}; Spark on the class path). */
    private static Snapshot onSpark(String master, LandscapeEngine engine, SnapshotRequest request) {
        try {
            return io.github.landscape4j.spark.SparkJobs.snapshot(master, engine, request);
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("--spark " + master + ": Apache Spark is not on the class path ("
                    + e.getMessage() + "): run examples/landscape.sh, which adds it, or spark-submit", e);
        }
    }

    /** The run's options that apply to an offline snapshot: what a snapshot computes, the seed, the probe size. */
    private static Set<String> snapshotKeys() {
        Set<String> keys = new java.util.HashSet<>(LandscapeConfig.snapshotOptionKeys());
        keys.add("seed");
        keys.add("probeSize");
        return keys;
    }

    private static Checkpoint pick(List<Checkpoint> cps, String which, String runId) {
        Checkpoint found = null;
        for (Checkpoint c : cps) {
            boolean match = switch (which.toLowerCase(Locale.ROOT)) {
                case "final" -> c.kind() == Checkpoint.Kind.FINAL;
                case "initial" -> c.kind() == Checkpoint.Kind.INITIAL;
                default -> which.matches("\\d+") && c.kind() == Checkpoint.Kind.PERIODIC
                        && c.iteration() == Long.parseLong(which);
            };
            if (match) {
                found = c;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("run " + runId + " has no checkpoint '" + which + "'; it has: final,"
                    + " initial and iterations " + cps.stream().filter(c -> c.kind() == Checkpoint.Kind.PERIODIC)
                    .map(c -> Long.toString(c.iteration())).toList());
        }
        return found;
    }

    private static Probe[] probes(String data, int size) throws IOException {
        if (data.equals("fashion-mnist")) {
            FashionMnist.requireInstalled();
            DataSet train = DataSet.merge(FashionMnist.train(size, size));
            DataSet test = DataSet.merge(FashionMnist.test(size, size));
            return new Probe[]{Probes.of(train, size, "Fashion-MNIST train"), Probes.of(test, size, "Fashion-MNIST test")};
        }
        if (data.startsWith("npy:")) {
            Path dir = Path.of(data.substring(4));
            return new Probe[]{npyProbe(dir, "train"), Files.exists(dir.resolve("val_features_0.npy"))
                    ? npyProbe(dir, "val") : null};
        }
        throw new IllegalArgumentException("--data " + data + ": must be fashion-mnist or npy:DIR");
    }

    private static Probe npyProbe(Path dir, String side) {
        List<INDArray> features = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        for (int i = 0; new File(dir.toFile(), side + "_features_" + i + ".npy").isFile(); i++) {
            features.add(Nd4j.createFromNpyFile(new File(dir.toFile(), side + "_features_" + i + ".npy")));
        }
        for (int i = 0; new File(dir.toFile(), side + "_labels_" + i + ".npy").isFile(); i++) {
            labels.add(Nd4j.createFromNpyFile(new File(dir.toFile(), side + "_labels_" + i + ".npy")));
        }
        if (features.isEmpty() || labels.isEmpty()) {
            throw new IllegalArgumentException("--data npy:" + dir + ": no " + side + "_features_0.npy and "
                    + side + "_labels_0.npy there");
        }
        return new Probe(features.toArray(INDArray[]::new), labels.toArray(INDArray[]::new), "npy " + dir);
    }
}
