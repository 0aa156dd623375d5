package io.github.landscape4j.engine;

import io.github.landscape4j.engine.internal.Clock;
import io.github.landscape4j.engine.internal.Workbench;
import io.github.landscape4j.engine.shard.Packed;
import io.github.landscape4j.engine.shard.PlaneTask;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Spectrum;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the parts of one snapshot share: the request (centre, probes, trajectory), the results so far, the snapshot's
 * random generator and evaluation on the engine's private network copies (never the user's model). After each part
 * the engine puts the centre parameters back into the copies ({@link #restore()}), so a part may move them.
 *
 * <p>Random vectors of a part come from {@link #random()}, seeded with the engine's seed and the snapshot index, in
 * the order the parts run: a snapshot is reproducible from its seed, index and request.
 */
public final class EvaluationContext {
    private final Workbench bench;
    private final SnapshotRequest request;
    private final INDArray theta;
    private final Random rng;
    private final Clock clock;
    private final Map<String, Double> measures = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> perTensor = new LinkedHashMap<>();
    private Spectrum spectrum;
    private final List<Surface> surfaces = new ArrayList<>();
    private final List<Slice> slices = new ArrayList<>();
    private INDArray thetaD;
    private Hessian hessian;
    private Hessian.Top top;
    /** When not null, every plane's and slice's directions by name ({@code random.d1}, ...), for an export. */
    private Map<String, INDArray> directions;
    /** When not null, planes are planned here instead of evaluated ({@link LandscapeEngine#plan}). */
    private List<PlaneTask> planned;

    private final SnapshotConfig config;

    EvaluationContext(Workbench bench, SnapshotRequest request, SnapshotConfig config, INDArray theta, Clock clock) {
        this.bench = bench;
        this.config = config;
        this.request = request;
        this.theta = theta;
        this.clock = clock;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(bench.seed() * 1_000_003L + request.index());
    }

    /** The options of this snapshot: the engine's, capped at the snapshot's {@link SnapshotLevel}. */
    public SnapshotConfig config() {
        return config;
    }

    public SnapshotRequest request() {
        return request;
    }

    public Probe train() {
        return request.train();
    }

    /** The held-out probe, or null. */
    public Probe validation() {
        return request.validation();
    }

    /** The centre parameters (flattened, in the model's data type). Read only: parts must not write into it. */
    public INDArray centre() {
        return theta;
    }

    /** The parameter tensors in flattened order. */
    public List<ParameterTensor> tensors() {
        return bench.tensors();
    }

    /** The snapshot's random generator (the engine's own, never ND4J's global stream). */
    public Random random() {
        return rng;
    }

    /** The learning rate training used here, NaN when unknown. */
    public double learningRate() {
        return request.learningRate();
    }

    /** A measure computed by an earlier part, or NaN. */
    public double measure(String key) {
        Double v = measures.get(key);
        return v == null ? Double.NaN : v;
    }

    public void put(String key, double value) {
        measures.put(key, value);
    }

    /** A measure with only {@code tensor} perturbed. */
    public void putPerTensor(String tensor, String key, double value) {
        perTensor.computeIfAbsent(tensor, k -> new LinkedHashMap<>()).put(key, value);
    }

    public void addSurface(Surface surface) {
        surfaces.add(surface);
    }

    public void addSlice(Slice slice) {
        slices.add(slice);
    }

    /** Loss, standard error and accuracy on {@code probe} at {@code params} (the copy is restored afterwards). */
    public Evaluation evaluate(INDArray params, Probe probe) {
        bench.floatModel().load(params);
        try {
            return bench.floatModel().evaluate(probe);
        } finally {
            bench.floatModel().load(theta);
        }
    }

    /**
     * The gradient of the mean train-probe loss (without regularization) at the centre, over every parameter;
     * computed once per snapshot and shared with the Hessian-vector products. Exact in the model's own type where
     * the network has an exact path (a plain MLP, a convolutional chain, a graph or batch-norm network of the layers
     * {@code ExactGraph} takes; batch norm in inference mode there, {@link #hessian()}), else DL4J's in double
     * precision (batch norm in training mode). Do not modify it.
     */
    public INDArray gradient() {
        return hessian().gradientAt(curvatureCentre(), train()); // cached there
    }

    /**
     * The centre in the data type of {@link #hessian()}'s copy: the model's own when its products are exact, else
     * double precision (finite differences).
     */
    public INDArray curvatureCentre() {
        return hessian().model() == bench.floatModel() ? theta : centreDouble();
    }

    /** The centre in double precision. */
    public INDArray centreDouble() {
        if (thetaD == null) {
            thetaD = theta.castTo(DataType.DOUBLE);
            bench.doubleModel().load(thetaD);
        }
        return thetaD;
    }

    /**
     * Evaluates the probes on the plane {@code centre + x·d1 + y·d2} over the grid {@code xs × ys} and adds it as a
     * surface. {@code labels} name the two axes; {@code explained}, {@code path}, {@code pathIterations} are the
     * PCA plane's (empty for others).
     */
    public Surface plane(String name, String normalization, INDArray d1, INDArray d2, double[] xs, double[] ys,
                         List<String> labels, double[] explained, double[][] path, long[] pathIterations) {
        if (planned != null) { // the grids are left to the shards: empty here
            planned.add(new PlaneTask(surfaces.size(), name, Packed.of(d1), Packed.of(d2), xs.clone(), ys.clone(),
                    config().planeValidation() && validation() != null, null));
            Surface s = new Surface(name, normalization, xs, ys, new double[0][], new double[0][], new double[0][],
                    new double[0][], labels, explained, path, pathIterations);
            surfaces.add(s);
            return s;
        }
        SurfaceComputer.Grids[] g = computer().plane(theta, d1, d2, xs, ys, train(),
                config().planeValidation() ? validation() : null);
        if (directions != null) {
            directions.put(name + ".d1", d1);
            directions.put(name + ".d2", d2);
        }
        boolean val = g[1] != null;
        Surface s = new Surface(name, normalization, xs, ys, g[0].loss(), g[0].accuracy(),
                val ? g[1].loss() : new double[0][], val ? g[1].accuracy() : new double[0][], labels, explained, path,
                pathIterations);
        surfaces.add(s);
        return s;
    }

    /** Evaluates the probes along {@code base + α·d} and adds it as a slice. */
    public Slice line(String kind, String label, INDArray base, INDArray d, double[] alphas) {
        if (planned != null) { // left to a shard: empty here
            planned.add(new PlaneTask(slices.size(), kind, Packed.of(d), null, alphas.clone(), new double[]{0},
                    validation() != null, Packed.of(base)));
            Slice s = new Slice(kind, label, alphas, new double[0], new double[0], new double[0], new double[0]);
            slices.add(s);
            return s;
        }
        SurfaceComputer.Line[] l = computer().line(base, d, alphas, train(), validation());
        if (directions != null) {
            directions.put(kind + ".base", base);
            directions.put(kind + ".direction", d);
        }
        boolean val = l[1] != null;
        Slice s = new Slice(kind, label, alphas, l[0].loss(), l[0].accuracy(), val ? l[1].loss() : new double[0],
                val ? l[1].accuracy() : new double[0]);
        slices.add(s);
        return s;
    }

    /** The grid axis {@code [-range, range]} of the options, {@code grid} points. */
    public double[] axis() {
        return SurfaceComputer.linspace(-config().range(), config().range(), config().grid());
    }

    /** Checks the time limit and cancellation inside a long part. */
    public void check() {
        clock.check();
    }

    /** Internal: the engine's copies, directions and draws, for the built-in parts. */
    public Workbench workbench() {
        return bench;
    }

    /**
     * Internal: Hessian-vector products for the built-in parts: exact ones on the copy in the model's own type where
     * the network has an exact path ({@link ProbeModel#curvature}: no finite-difference step,
     * so single precision suffices, and convolutions run on oneDNN's float kernels where the backend has them), else
     * finite differences on the double-precision copy.
     */
    public Hessian hessian() {
        if (hessian == null) {
            boolean exact = bench.floatModel().hasExactCurvature(train());
            hessian = new Hessian(exact ? bench.floatModel() : bench.doubleModel(), bench.curvature());
        }
        return hessian;
    }

    /** Internal: the top Hessian eigenpair, computed once per snapshot (the eigenvalue measure and the plane). */
    public Hessian.Top hessianTop() {
        if (top == null) {
            top = hessian().top(curvatureCentre(), train(), rng, config().hessianIterations(), 1e-3, null, null);
        }
        return top;
    }

    /** Puts the centre back into the copies after a part. */
    void restore() {
        bench.floatModel().load(theta);
        if (thetaD != null) {
            bench.doubleModel().load(thetaD);
        }
    }

    private SurfaceComputer computer() {
        return bench.surfaces().afterRow(clock::check);
    }

    void planPlanes() {
        planned = new ArrayList<>();
    }

    List<PlaneTask> plannedPlanes() {
        return planned == null ? List.of() : planned;
    }

    /** Whether this snapshot is being exported ({@link LandscapeEngine#snapshotAndExport}): {@link #keep} keeps. */
    public boolean exporting() {
        return directions != null;
    }

    /** Keeps {@code array} for the export under {@code name} (when {@link #exporting()}; else nothing). */
    public void keep(String name, INDArray array) {
        if (directions != null) {
            directions.put(name, array);
        }
    }

    void keepDirections() {
        directions = new LinkedHashMap<>();
    }

    Map<String, INDArray> keptDirections() {
        return directions == null ? Map.of() : directions;
    }

    Map<String, Double> measures() {
        return measures;
    }

    /** Sets the snapshot's Hessian spectrum (see {@link Spectrum}). */
    public void spectrum(Spectrum spectrum) {
        this.spectrum = spectrum;
    }

    Spectrum spectrum() {
        return spectrum;
    }

    Map<String, Map<String, Double>> perTensorMeasures() {
        return perTensor;
    }

    List<Surface> surfaces() {
        return surfaces;
    }

    List<Slice> slices() {
        return slices;
    }
}
