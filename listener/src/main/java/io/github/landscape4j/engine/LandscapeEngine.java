package io.github.landscape4j.engine;

import io.github.landscape4j.engine.internal.Clock;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.engine.internal.SnapshotCosts;
import io.github.landscape4j.engine.internal.SnapshotThreads;
import io.github.landscape4j.engine.internal.Workbench;
import io.github.landscape4j.engine.shard.Packed;
import io.github.landscape4j.engine.shard.PlaneTask;
import io.github.landscape4j.engine.shard.ProbeData;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import io.github.landscape4j.engine.measure.EdgeOfStability;
import io.github.landscape4j.engine.measure.EpsilonSharpness;
import io.github.landscape4j.engine.measure.GradientNorm;
import io.github.landscape4j.engine.measure.HessianTop;
import io.github.landscape4j.engine.measure.HessianTrace;
import io.github.landscape4j.engine.measure.ProbeLosses;
import io.github.landscape4j.engine.measure.RandomSharpness;
import io.github.landscape4j.engine.plane.HessianPlane;
import io.github.landscape4j.engine.plane.InterpolationSlice;
import io.github.landscape4j.engine.plane.RandomPlane;
import io.github.landscape4j.engine.plane.RandomSlice;
import io.github.landscape4j.engine.plane.TrajectoryPlane;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The landscape engine's front door: built once for a model (a live {@code MultiLayerNetwork} or {@code
 * ComputationGraph}, a {@code ModelSerializer} file, or a configuration and parameters such as a stored checkpoint),
 * it takes snapshots ({@link #snapshot(SnapshotRequest)}): the probe losses, the planes, the slices and every
 * measure at given parameters, as a {@link Snapshot} record. The listener, the agent, the study and the command-line
 * tool all take their snapshots through it.
 *
 * <p>It evaluates on private copies of the network (in inference mode, dropout removed), made on the first
 * snapshot: the model it was built from is only read, never changed (parameters, updater state, batch-norm
 * statistics, listeners). Parts run in a fixed order (probe losses, planes, slices, then the measures), then the
 * measures added with {@link Builder#measure(Measure)}. Not thread-safe: one snapshot at a time per engine.
 *
 * <pre>{@code
 * LandscapeEngine engine = LandscapeEngine.builder(model).config(LandscapeConfig.defaults().snapshots()).build();
 * Snapshot s = engine.snapshot(SnapshotRequest.of(Probe.of(trainData, "train")).withValidation(Probe.of(testData, "test")));
 * }</pre>
 */
public final class LandscapeEngine {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    /**
     * ND4J's and BLAS's threads while a snapshot runs, unless the builder says otherwise: one, which made a whole
     * default snapshot of the Fashion-MNIST MLP faster on the 2-core machines measured (docs/performance.md).
     */
    public static final int DEFAULT_THREADS = 1;

    private final Workbench bench;
    private final List<Part> parts;
    private final int threads;
    private boolean divergedLogged;
    /** What snapshots cost here, and the levels' probes. */
    private final SnapshotCosts costs;

    private LandscapeEngine(Workbench bench, List<Part> parts, int threads) {
        this.bench = bench;
        this.parts = List.copyOf(parts);
        this.threads = threads;
        this.costs = new SnapshotCosts(bench);
    }

    /** An engine for {@code model} (read, never changed). */
    public static Builder builder(Model model) {
        return new Builder(Objects.requireNonNull(model, "model"));
    }

    /**
     * An engine for a model saved with DL4J's {@code ModelSerializer} (a {@code MultiLayerNetwork} or {@code
     * ComputationGraph} zip).
     *
     * @throws IOException when the file cannot be read as either
     */
    public static Builder builder(Path modelFile) throws IOException {
        return new Builder(Models.restore(modelFile));
    }

    /**
     * An engine for the network of class {@code modelClass} ({@code MultiLayerNetwork} or {@code ComputationGraph})
     * with DL4J configuration {@code configJson} and parameters {@code params}: e.g. a run's stored configuration
     * and one of its checkpoints.
     */
    public static Builder builder(String modelClass, String configJson, INDArray params) {
        return new Builder(Models.fromConfig(modelClass, configJson, params));
    }

    /** The standard parts, in the order they run. */
    public static List<Part> standardParts() {
        return List.of(new ProbeLosses(), new RandomPlane(), new TrajectoryPlane(), new RandomSlice(),
                new InterpolationSlice(), new RandomSharpness(), new GradientNorm(), new EpsilonSharpness(),
                new HessianTop(), new HessianPlane(), new HessianTrace(), new EdgeOfStability());
    }

    /** Makes an engine. */
    public static final class Builder {
        private final Model model;
        private SnapshotConfig config;
        private long seed = 42;
        private int threads = DEFAULT_THREADS;
        private final List<Measure> extra = new ArrayList<>();

        private Builder(Model model) {
            this.model = model;
        }

        /** What a snapshot computes (required; {@code LandscapeConfig.defaults().snapshots()} has the defaults). */
        public Builder config(SnapshotConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Seed of the engine's own random generator: the run's directions and each snapshot's random vectors. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * ND4J's and BLAS's threads while a snapshot runs ({@link #DEFAULT_THREADS} by default; {@code 0} leaves
         * ND4J's own setting). The setting is JVM-wide and restored after the snapshot. Snapshots of one setting run
         * at the same time; one of another setting (also {@code 0}) waits until they are done, and so do a study's
         * training steps, so each computes under its own setting, bit for bit as it would alone. A model trained by
         * other code in another thread of the same JVM still runs with the snapshot's setting meanwhile.
         */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads=" + threads + ": must be >= 0 (0: ND4J's own setting)");
            }
            this.threads = threads;
            return this;
        }

        /** Adds a measure, computed after the standard parts in the order added. */
        public Builder measure(Measure measure) {
            extra.add(Objects.requireNonNull(measure, "measure"));
            return this;
        }

        public LandscapeEngine build() {
            if (config == null) {
                throw new IllegalStateException("no snapshot config given: call config(...) first");
            }
            Models.requireSupported(model);
            List<Part> parts = new ArrayList<>(standardParts());
            parts.addAll(extra);
            Set<String> keys = new HashSet<>();
            for (Part p : parts) {
                if (p instanceof Measure m) {
                    for (MeasureDescriptor d : m.descriptors(config)) {
                        if (!keys.add(d.key())) {
                            throw new IllegalArgumentException("measure key " + d.key() + " of " + p.name()
                                    + " is already written by another part");
                        }
                    }
                }
            }
            return new LandscapeEngine(new Workbench(model, config, seed, Models.tensors(model)), parts, threads);
        }
    }

    /** {@code MultiLayerNetwork} or {@code ComputationGraph}. */
    public String modelClass() {
        return Models.kind(bench.template());
    }

    /** The model's DL4J configuration JSON. */
    public String modelConfigJson() {
        return Models.configJsonLater(bench.template()).get();
    }

    /** A copy of the model's current parameters, flattened. */
    public INDArray modelParams() {
        INDArray p = bench.template().params();
        return p.reshape(p.length()).dup();
    }

    /** The model's parameter tensors in flattened order. */
    public List<io.github.landscape4j.store.ParameterTensor> tensors() {
        return bench.tensors();
    }

    /** The options it computes with. */
    public SnapshotConfig config() {
        return bench.config();
    }

    /** Every measure it can write (those switched off by the options are not listed), in computing order. */
    public List<MeasureDescriptor> measures() {
        List<MeasureDescriptor> out = new ArrayList<>();
        for (Part p : parts) {
            if (p instanceof Measure m) {
                out.addAll(m.descriptors(bench.config()));
            }
        }
        out.add(DIVERGED);
        return out;
    }

    /**
     * The measures an engine with {@code config} and the {@code extra} measures writes, without building one (e.g.
     * for a run's metadata before its first snapshot).
     */
    public static List<MeasureDescriptor> measures(SnapshotConfig config, List<Measure> extra) {
        List<MeasureDescriptor> out = new ArrayList<>();
        List<Part> all = new ArrayList<>(standardParts());
        all.addAll(extra);
        for (Part p : all) {
            if (p instanceof Measure m) {
                out.addAll(m.descriptors(config));
            }
        }
        out.add(DIVERGED);
        return out;
    }

    /** The measure every snapshot has: whether the model had diverged. */
    public static final MeasureDescriptor DIVERGED = new MeasureDescriptor("diverged", "diverged", "flag",
            "diagnostic", "", "none", "", "1 when the parameters or the probe outputs were not finite: every other"
            + " measure is then undefined");

    /** The parts it runs, in order. */
    public List<Part> parts() {
        return parts;
    }

    /**
     * Takes one snapshot. Measures switched off or not applicable are absent (NaN through {@link
     * Snapshot#measure(String)}); a model whose parameters or probe outputs are not finite gets a snapshot with every
     * measure NaN, {@code diverged} = 1 and no surfaces, and later snapshots are taken as usual.
     *
     * @throws SnapshotAbandoned past the request's time limit or when it is cancelled
     */
    public Snapshot snapshot(SnapshotRequest request) {
        return take(request, false, false).snapshot();
    }

    /**
     * Takes one snapshot as {@link #snapshot(SnapshotRequest)} and writes everything needed to recompute it with
     * another tool into directory {@code dir} as {@code .npy} files ({@link SnapshotExport} describes the layout).
     */
    public Snapshot snapshotAndExport(SnapshotRequest request, Path dir) throws IOException {
        Taken t = take(request, true, false);
        SnapshotExport.write(dir, t.snapshot(), t.centre(), t.directions(), request, bench.template(), bench.config()
                .epsilon());
        return t.snapshot();
    }

    /**
     * Plans one snapshot for a scheduler ({@link ShardedSnapshot}): computes everything as {@link #snapshot} does but
     * the planes' grids, which are left as pieces any JVM can evaluate; {@link ShardedSnapshot#assemble} then gives
     * the snapshot {@code snapshot(request)} would, bit for bit. A diverged model's plan has no planes.
     */
    public ShardedSnapshot plan(SnapshotRequest request) {
        Taken t = take(request, false, true);
        return new ShardedSnapshot(t.snapshot(), t.planes(), modelClass(), modelConfigJson(), Packed.of(t.centre()),
                ProbeData.of(t.request().train()), ProbeData.of(t.request().validation()), threads);
    }

    private record Taken(Snapshot snapshot, INDArray centre, Map<String, INDArray> directions, List<PlaneTask> planes,
                         SnapshotRequest request) {
    }

    private Taken take(SnapshotRequest request, boolean keepDirections, boolean planPlanes) {
        try (SnapshotThreads ignored = SnapshotThreads.use(threads)) {
            return takeWithThreads(request, keepDirections, planPlanes);
        } finally {
            bench.release();
        }
    }

    private Taken takeWithThreads(SnapshotRequest request, boolean keepDirections, boolean planPlanes) {
        Clock clock = new Clock(request.label(), request.limitNanos(), request.cancelled());
        INDArray source = request.params() != null ? request.params() : bench.template().params();
        INDArray theta = source.reshape(source.length()).castTo(bench.floatModel().dataType()).dup();
        bench.floatModel().load(theta);
        if (bench.hasDoubleModel()) {
            bench.doubleModel().load(theta);
        }
        clock.setUp("probe model");
        SnapshotLevel level = costs.chooseLevel(request, clock);
        SnapshotRequest leveled = level == SnapshotLevel.FULL ? request : request.withProbes(
                costs.subsample(request.train(), level), request.validation() == null ? null
                        : costs.subsample(request.validation(), level));
        SnapshotConfig config = level.config(bench.config());
        EvaluationContext ctx = new EvaluationContext(bench, leveled, config, theta, clock);
        if (keepDirections) {
            ctx.keepDirections();
        }
        if (planPlanes) {
            ctx.planPlanes();
        }
        long start = System.nanoTime();
        boolean first = true;
        try {
            for (Part part : parts) {
                if (!part.enabled(ctx)) {
                    continue;
                }
                part.compute(ctx);
                ctx.restore();
                clock.lap(part.name());
                if (first && diverged(theta, leveled)) {
                    return new Taken(divergedSnapshot(leveled, ctx, clock, level), theta, Map.of(), List.of(), leveled);
                }
                first = false;
            }
        } catch (SnapshotAbandoned a) {
            if (!request.cancelled().getAsBoolean()) {
                // it ran past its limit: the prediction was low, and the whole costs more than this (by half, say)
                costs.atLeast(level, leveled, (long) (1.5 * (System.nanoTime() - start)));
            }
            throw a;
        }
        ctx.put("diverged", 0.0);
        costs.taken(level, leveled, System.nanoTime() - start);
        return new Taken(new Snapshot(request.index(), request.iteration(), request.epoch(), request.wallMillis(),
                bench.seed(), probeDescription(leveled), List.copyOf(ctx.surfaces()), List.copyOf(ctx.slices()),
                ctx.measures(), ctx.perTensorMeasures(), clock.finish(), level.key(), ctx.spectrum()), theta,
                ctx.keptDirections(),
                ctx.plannedPlanes(), leveled);
    }

    /**
     * Whether the model has diverged: a non-finite parameter or a non-finite output on the probe. The loss alone does
     * not tell, since a softmax cross-entropy clipped at 1e-10 turns NaN outputs into a flat, finite 23.03, which
     * would look like the flattest minimum there is.
     */
    private boolean diverged(INDArray theta, SnapshotRequest request) {
        if (!Double.isFinite(theta.sumNumber().doubleValue())) {
            return true;
        }
        for (INDArray out : bench.floatModel().outputs(request.train())) {
            if (!Double.isFinite(out.sumNumber().doubleValue())) {
                return true;
            }
        }
        return false;
    }

    /** A diverged model has no landscape: every measure undefined (NaN), {@code diverged} = 1, no surfaces. */
    private Snapshot divergedSnapshot(SnapshotRequest request, EvaluationContext ctx, Clock clock,
                                      SnapshotLevel level) {
        if (!divergedLogged) {
            divergedLogged = true;
            LOG.warn("landscape4j: {} has diverged at iteration {} (non-finite parameters or outputs): its"
                    + " snapshots record every measure as undefined while it stays so", request.label(),
                    request.iteration());
        }
        Map<String, Double> measures = new LinkedHashMap<>(ctx.measures());
        measures.replaceAll((k, v) -> Double.NaN);
        measures.put("diverged", 1.0);
        return new Snapshot(request.index(), request.iteration(), request.epoch(), request.wallMillis(), bench.seed(),
                probeDescription(request), List.of(), List.of(), measures, Map.of(), clock.finish(), level.key());
    }

    private Map<String, String> probeDescription(SnapshotRequest request) {
        Map<String, String> probe = new LinkedHashMap<>();
        probe.put("train", request.train().toString());
        probe.put("validation", request.validation() == null ? "none" : request.validation().toString());
        probe.put("seed", Long.toString(bench.seed()));
        probe.put("loss_units", bench.floatModel().lossUnits());
        return probe;
    }

    /**
     * Roughly how many probe evaluations a snapshot costs, counting a gradient as three: enough to tell from the
     * first part whether the whole fits the budget (grid points on the linear path cost less: an overestimate).
     */
    public double evaluations(boolean validation, boolean interpolation) {
        return costs.evaluations(bench.config(), validation, interpolation);
    }

    /**
     * What a snapshot of {@code level} for {@code request} is predicted to take, in nanoseconds, from this engine's
     * measurements (a timed warm evaluation, then each snapshot taken); 0 before anything was measured.
     */
    public long predictNanos(SnapshotLevel level, SnapshotRequest request) {
        return costs.predictNanos(level, request);
    }
}
