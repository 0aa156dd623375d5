package io.github.landscape4j.listener.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.direction.internal.TensorRole;
import io.github.landscape4j.listener.SnapshotConfig;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.surface.internal.Evaluation;
import io.github.landscape4j.surface.internal.LinearFirstLayer;
import io.github.landscape4j.surface.internal.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import io.github.landscape4j.trajectory.internal.PcaPlane;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Internal: takes one landscape snapshot around the model's current parameters, on private copies of the network
 * ({@link ProbeModel}): the user's model is only read. The run's random plane and random line are drawn once from
 * the run's seed (its own generator, never ND4J's global one) and re-normalized against the current parameters at
 * each snapshot, so successive snapshots are a time-lapse of one slice. Other random vectors (sharpness directions,
 * power-iteration start, Hutchinson vectors) come from a generator seeded with the run seed and the snapshot index.
 */
public final class SnapshotTaker {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final long PROGRESS_AFTER_NANOS = 5_000_000_000L;

    private final SnapshotConfig config;
    private final long seed;
    private final List<ParameterTensor> tensors;
    private final Directions directions;
    private ProbeModel floatModel;
    private boolean divergedLogged;
    private ProbeModel doubleModel;
    private INDArray rawD1;
    private INDArray rawD2;
    private INDArray rawLine;
    private boolean validationPresent;

    public SnapshotTaker(SnapshotConfig config, long seed, List<ParameterTensor> tensors) {
        this.config = config;
        this.seed = seed;
        this.tensors = List.copyOf(tensors);
        this.directions = new Directions(tensors, config.normalization(), config.biasBn());
    }

    /**
     * A snapshot given up part-way: it would break the time budget, or its run is ending (JVM exit). Nothing of it is
     * written.
     */
    public static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient long costNanos;
        private final transient long predictedNanos;

        Abandoned(String why, long costNanos, long predictedNanos) {
            super(why, null, false, false);
            this.costNanos = costNanos;
            this.predictedNanos = predictedNanos;
        }

        /** What it cost until it was given up. */
        public long costNanos() {
            return costNanos;
        }

        /** What the whole snapshot was predicted to cost; 0 when unknown. */
        public long predictedNanos() {
            return predictedNanos;
        }
    }

    /** The parts' timings, kept in order; past the limit or when cancelled, the snapshot is abandoned. */
    private final class Clock {
        final long start = System.nanoTime();
        long last = start;
        final Map<String, Double> millis = new LinkedHashMap<>();
        final String run;
        final long limitNanos;
        final java.util.function.BooleanSupplier cancelled;

        Clock(String run, long limitNanos, java.util.function.BooleanSupplier cancelled) {
            this.run = run;
            this.limitNanos = limitNanos;
            this.cancelled = cancelled;
        }

        /**
         * Within a part (after each row of a plane): abandons the snapshot once its run ends or it has run past its
         * limit, so an exit or the budget does not wait for the rest of a plane.
         */
        void check() {
            long cost = System.nanoTime() - start;
            if (cancelled.getAsBoolean()) {
                throw new Abandoned("its run ended", cost, 0);
            }
            if (cost > limitNanos) {
                throw new Abandoned("it would take more than its share of the time budget ("
                        + String.format(Locale.ROOT, "%.1f s", limitNanos / 1e9) + " now)", cost, 0);
            }
        }

        void lap(String part) {
            long now = System.nanoTime();
            long partNanos = now - last;
            millis.put(part, partNanos / 1e6);
            last = now;
            long cost = now - start;
            if (cancelled.getAsBoolean()) {
                throw new Abandoned("its run ended", cost, 0);
            }
            // the first part (one evaluation of the probe) predicts the whole: stop before the costly parts
            long predicted = part.equals("centre")
                    ? cost + (long) (partNanos * evaluations(validationPresent) / (validationPresent ? 2 : 1)) : 0;
            if (cost > limitNanos || predicted > limitNanos) {
                throw new Abandoned("it would take more than its share of the time budget ("
                        + String.format(Locale.ROOT, "%.1f s", limitNanos / 1e9) + " now)", cost, predicted);
            }
            if (now - start > PROGRESS_AFTER_NANOS) {
                LOG.info("landscape4j: snapshot of {}: {} took {} ms ({} s so far)", run, part,
                        String.format(Locale.ROOT, "%.0f", millis.get(part)),
                        String.format(Locale.ROOT, "%.1f", (now - start) / 1e9));
            }
        }
    }

    /**
     * Takes snapshot {@code index} of {@code model}. {@code checkpoints} are the trajectory so far (initial first),
     * {@code initial} the initial parameters (for the interpolation slice).
     */
    public Snapshot take(Model model, String runId, int index, long iteration, int epoch, long wallMillis,
                         Probe train, Probe validation, List<INDArray> checkpoints, long[] checkpointIterations,
                         INDArray initial) {
        return take(model, runId, index, iteration, epoch, wallMillis, train, validation, checkpoints,
                checkpointIterations, initial, Long.MAX_VALUE, () -> false);
    }

    /**
     * As {@link #take(Model, String, int, long, int, long, Probe, Probe, List, long[], INDArray)}, abandoned
     * ({@link Abandoned}) at the end of a part once it has run longer than {@code limitNanos}, once its first part
     * predicts it will, or once {@code cancelled} says so.
     */
    public Snapshot take(Model model, String runId, int index, long iteration, int epoch, long wallMillis,
                         Probe train, Probe validation, List<INDArray> checkpoints, long[] checkpointIterations,
                         INDArray initial, long limitNanos, java.util.function.BooleanSupplier cancelled) {
        validationPresent = validation != null;
        Clock clock = new Clock(runId, limitNanos, cancelled);
        if (floatModel == null) {
            floatModel = PluginScope.call(() -> ProbeModel.of(model, null));
        }
        INDArray theta = model.params().reshape(model.params().length()).dup();
        floatModel.load(theta);
        clock.lap("probe model");
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed * 1_000_003L + index);
        Map<String, Double> measures = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perTensor = new LinkedHashMap<>();

        Evaluation centre = floatModel.evaluate(train);
        measures.put("train_loss", centre.loss());
        measures.put("train_loss_se", centre.standardError());
        measures.put("train_accuracy", centre.accuracy());
        if (validation != null) {
            Evaluation v = floatModel.evaluate(validation);
            measures.put("val_loss", v.loss());
            measures.put("val_loss_se", v.standardError());
            measures.put("val_accuracy", v.accuracy());
            measures.put("gap", v.loss() - centre.loss());
            measures.put("accuracy_gap", centre.accuracy() - v.accuracy());
        }
        clock.lap("centre");
        if (diverged(theta, train)) {
            return divergedSnapshot(runId, index, iteration, epoch, wallMillis, train, validation, measures, clock);
        }

        List<Surface> surfaces = new ArrayList<>();
        List<Slice> slices = new ArrayList<>();
        SurfaceComputer computer = new SurfaceComputer(floatModel,
                LinearFirstLayer.of(floatModel, tensors).orElse(null), clock::check);
        double[] axis = SurfaceComputer.linspace(-config.range(), config.range(), config.grid());
        if (config.planes().contains("random")) {
            INDArray d1 = normalized(raw(1), theta);
            INDArray d2 = normalized(raw(2), theta);
            SurfaceComputer.Grids[] g = computer.plane(theta, d1, d2, axis, axis, train, validation);
            surfaces.add(surface("random", config.normalization().name().toLowerCase(Locale.ROOT), axis, axis, g,
                    List.of("d1 (random)", "d2 (random)"), new double[0], new double[0][], new long[0]));
            clock.lap("random plane");
        }
        List<Integer> finite = new ArrayList<>(); // a stretch of divergence left NaN checkpoints: no direction in them
        for (int i = 0; i < checkpoints.size(); i++) {
            if (Double.isFinite(checkpoints.get(i).sumNumber().doubleValue())) {
                finite.add(i);
            }
        }
        if (finite.size() < checkpoints.size()) {
            checkpoints = finite.stream().map(checkpoints::get).toList();
            long[] all = checkpointIterations;
            checkpointIterations = finite.stream().mapToLong(i -> all[i]).toArray();
        }
        if (config.planes().contains("pca") && checkpoints.size() >= 2) {
            PcaPlane pca = PcaPlane.of(checkpoints, theta, config.pcaCentred());
            double[] xs = pathAxis(pca.path(), 0);
            double[] ys = pathAxis(pca.path(), 1);
            SurfaceComputer.Grids[] g = computer.plane(theta, pca.d1(), pca.d2(), xs, ys, train, validation);
            double[] ev = pca.explainedVariance();
            surfaces.add(surface("pca", "none", xs, ys, g, List.of(
                            String.format(Locale.ROOT, "PC1 (%.1f%%)", 100 * ev[0]),
                            String.format(Locale.ROOT, "PC2 (%.1f%%)", 100 * ev[1])),
                    ev, pca.path(), checkpointIterations));
            clock.lap("pca plane");
        }
        if (config.slices()) {
            INDArray d = normalized(raw(3), theta);
            SurfaceComputer.Line[] l = computer.line(theta, d, axis, train, validation);
            slices.add(slice("random", "random direction (" + config.normalization().name().toLowerCase(Locale.ROOT)
                    + "-normalized)", axis, l));
            if (initial != null) {
                int k = Math.max(1, Math.round((config.grid() - 1) / 4f)); // 4k+1 points: 0 and 1 on the grid
                double[] alphas = SurfaceComputer.linspace(-0.5, 1.5, 4 * k + 1);
                INDArray start = initial.reshape(theta.length()).castTo(theta.dataType());
                l = computer.line(start, theta.sub(start), alphas, train, validation);
                slices.add(slice("interpolation", "initial (α=0) → current (α=1)", alphas, l));
            }
            floatModel.load(theta);
            clock.lap("slices");
        }

        Sharpness sharpness = new Sharpness(floatModel, directions);
        if (config.sharpnessK() > 0) {
            Sharpness.Random2 r = sharpness.randomPerturbation(theta, centre.loss(), train, config.sharpnessK(),
                    config.epsilon(), rng, null);
            measures.put("sharpness_random_mean", r.mean());
            measures.put("sharpness_random_max", r.max());
            if (config.perTensorMeasures()) {
                for (ParameterTensor t : weightTensors()) {
                    Sharpness.Random2 rt = sharpness.randomPerturbation(theta, centre.loss(), train,
                            config.sharpnessK(), config.epsilon(), rng, t);
                    perTensor.computeIfAbsent(t.name(), k -> new LinkedHashMap<>()).put("sharpness_random_mean",
                            rt.mean());
                }
            }
            clock.lap("random sharpness");
        }
        boolean gradients = config.ascentSteps() > 0 || config.hessianIterations() > 0 || config.hutchinson() > 0;
        if (gradients) {
            if (doubleModel == null) {
                doubleModel = PluginScope.call(() -> ProbeModel.of(model, DataType.DOUBLE));
            }
            INDArray thetaD = theta.castTo(DataType.DOUBLE);
            doubleModel.load(thetaD);
            Directions curvature = config.curvatureAll() ? directions.allTrainable() : directions;
            INDArray g = doubleModel.gradient(train);
            curvature.mask(g);
            measures.put("probe_gradient_norm", g.norm2Number().doubleValue());
            if (config.ascentSteps() > 0) {
                Sharpness.Ascent keskar = sharpness.epsilonSharpness(doubleModel, thetaD, centre.loss(), train,
                        config.epsilon(), config.ascentSteps(), false, !config.sharpnessBoxAll(), rng);
                measures.put("sharpness_eps", keskar.sharpness());
                measures.put("sharpness_eps_steps", (double) keskar.steps());
                measures.put("sharpness_eps_converged", keskar.converged() ? 1.0 : 0.0);
                measures.put("sharpness_adaptive", sharpness.epsilonSharpness(doubleModel, thetaD, centre.loss(),
                        train, config.epsilon(), config.ascentSteps(), true, !config.sharpnessBoxAll(), rng).sharpness());
                floatModel.load(theta);
                clock.lap("epsilon sharpness");
            }
            Hessian hessian = new Hessian(doubleModel, curvature);
            if (config.hessianIterations() > 0) {
                Hessian.Top top = hessian.top(thetaD, train, rng, config.hessianIterations(), 1e-3, null, null);
                measures.put("hessian_top", top.eigenvalue());
                measures.put("hessian_top_hvps", (double) top.hvps());
                if (config.perTensorMeasures()) {
                    for (ParameterTensor t : weightTensors()) {
                        Hessian.Top tt = hessian.top(thetaD, train, rng, config.hessianIterations(), 1e-2, t, null);
                        perTensor.computeIfAbsent(t.name(), k -> new LinkedHashMap<>()).put("hessian_top",
                                tt.eigenvalue());
                    }
                }
                clock.lap("hessian top");
                if (config.planes().contains("hessian")) {
                    Hessian.Top second = hessian.top(thetaD, train, rng, config.hessianIterations(), 1e-3, null,
                            top.eigenvector());
                    INDArray e1 = normalized(top.eigenvector().castTo(theta.dataType()), theta);
                    INDArray e2 = normalized(second.eigenvector().castTo(theta.dataType()), theta);
                    SurfaceComputer.Grids[] gr = computer.plane(theta, e1, e2, axis, axis, train, validation);
                    surfaces.add(surface("hessian", config.normalization().name().toLowerCase(Locale.ROOT), axis,
                            axis, gr, List.of(String.format(Locale.ROOT, "e1 (λ=%.4g)", top.eigenvalue()),
                                    String.format(Locale.ROOT, "e2 (λ=%.4g)", second.eigenvalue())),
                            new double[0], new double[0][], new long[0]));
                    clock.lap("hessian plane");
                }
            }
            if (config.hutchinson() > 0) {
                measures.put("hessian_trace", hessian.trace(thetaD, train, rng, config.hutchinson()));
                clock.lap("hessian trace");
            }
        }
        clock.millis.put("total", (System.nanoTime() - clock.start) / 1e6);
        measures.put("diverged", 0.0);
        return new Snapshot(index, iteration, epoch, wallMillis, seed, probeDescription(train, validation), surfaces,
                slices, measures, perTensor, clock.millis);
    }

    /**
     * Whether the model has diverged: a non-finite parameter or a non-finite output on the probe. The loss alone does
     * not tell, since a softmax cross-entropy clipped at 1e-10 turns NaN outputs into a flat, finite 23.03, which
     * would look like the flattest minimum there is.
     */
    private boolean diverged(INDArray theta, Probe train) {
        if (!Double.isFinite(theta.sumNumber().doubleValue())) {
            return true;
        }
        for (INDArray out : floatModel.outputs(train)) {
            if (!Double.isFinite(out.sumNumber().doubleValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A diverged model has no landscape: every measure is recorded as undefined (NaN), {@code diverged} = 1, with no
     * surfaces or slices; later snapshots are taken as usual.
     */
    private Snapshot divergedSnapshot(String runId, int index, long iteration, int epoch, long wallMillis,
                                      Probe train, Probe validation, Map<String, Double> measures, Clock clock) {
        if (!divergedLogged) {
            divergedLogged = true;
            LOG.warn("landscape4j: run {} has diverged at iteration {} (non-finite parameters or outputs): its"
                    + " snapshots record every measure as undefined while it stays so", runId, iteration);
        }
        measures.replaceAll((k, v) -> Double.NaN);
        measures.put("diverged", 1.0);
        clock.millis.put("total", (System.nanoTime() - clock.start) / 1e6);
        return new Snapshot(index, iteration, epoch, wallMillis, seed, probeDescription(train, validation),
                List.of(), List.of(), measures, Map.of(), clock.millis);
    }

    private Map<String, String> probeDescription(Probe train, Probe validation) {
        Map<String, String> probe = new LinkedHashMap<>();
        probe.put("train", train.toString());
        probe.put("validation", validation == null ? "none" : validation.toString());
        probe.put("seed", Long.toString(seed));
        return probe;
    }

    /**
     * Roughly how many probe evaluations a snapshot costs, counting a gradient as three: enough to tell from the
     * first part whether the whole fits the budget (grid points on the linear path cost less: an overestimate).
     */
    double evaluations(boolean validation) {
        int n = config.grid();
        double sides = validation ? 2 : 1;
        long weights = config.perTensorMeasures() ? weightTensors().size() : 0;
        int planes = (config.planes().contains("random") ? 1 : 0) + (config.planes().contains("pca") ? 1 : 0)
                + (config.planes().contains("hessian") && config.hessianIterations() > 0 ? 1 : 0);
        double e = sides * (1 + (double) planes * n * n);
        if (config.slices()) {
            e += sides * (n + 4 * Math.max(1, Math.round((n - 1) / 4f)) + 1);
        }
        e += (double) config.sharpnessK() * (1 + weights);
        double gradients = 1 + 4.0 * config.ascentSteps() + 2.0 * config.hutchinson()
                + 2.0 * config.hessianIterations() * (1 + weights + (config.planes().contains("hessian") ? 1 : 0));
        return e + 3 * gradients;
    }

    /** The run's fixed raw Gaussian draw number {@code which} (1, 2: the plane; 3: the line). */
    private INDArray raw(int which) {
        if (rawD1 == null) {
            long n = tensors.stream().mapToLong(ParameterTensor::length).sum();
            Random runRng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
            rawD1 = Nd4j.randn(runRng, n);
            rawD2 = Nd4j.randn(runRng, n);
            rawLine = Nd4j.randn(runRng, n);
        }
        return which == 1 ? rawD1 : which == 2 ? rawD2 : rawLine;
    }

    private INDArray normalized(INDArray raw, INDArray theta) {
        INDArray d = raw.castTo(theta.dataType()).dup();
        directions.normalize(d, theta);
        return d;
    }

    private List<ParameterTensor> weightTensors() {
        return tensors.stream().filter(t -> TensorRole.of(t.name()) == TensorRole.WEIGHT).toList();
    }

    /** Grid axis covering the path's coordinates with a margin (and the origin). */
    private double[] pathAxis(double[][] path, int coordinate) {
        double lo = 0;
        double hi = 0;
        for (double[] p : path) {
            lo = Math.min(lo, p[coordinate]);
            hi = Math.max(hi, p[coordinate]);
        }
        double margin = Math.max(0.2 * (hi - lo), 1e-6);
        return SurfaceComputer.linspace(lo - margin, hi + margin, config.grid());
    }

    private static Surface surface(String plane, String normalization, double[] xs, double[] ys,
                                   SurfaceComputer.Grids[] g, List<String> labels, double[] ev, double[][] path,
                                   long[] pathIterations) {
        boolean val = g[1] != null;
        return new Surface(plane, normalization, xs, ys, g[0].loss(), g[0].accuracy(),
                val ? g[1].loss() : new double[0][], val ? g[1].accuracy() : new double[0][], labels, ev, path,
                pathIterations);
    }

    private static Slice slice(String kind, String label, double[] alphas, SurfaceComputer.Line[] l) {
        boolean val = l[1] != null;
        return new Slice(kind, label, alphas, l[0].loss(), l[0].accuracy(), val ? l[1].loss() : new double[0],
                val ? l[1].accuracy() : new double[0]);
    }
}
