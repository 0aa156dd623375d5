package io.github.landscape4j.engine.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.direction.internal.TensorRole;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.LinearFirstLayer;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Internal: what an engine keeps between snapshots: the private network copies every evaluation runs on (one in the
 * model's own type, one in double precision for gradients, made when first needed), the direction normalizer and
 * the run's fixed random draws. The run's random plane and line are drawn once from the seed (the engine's own
 * generator, never ND4J's global one) and re-normalized at each snapshot, so successive snapshots are a time-lapse
 * of one slice. Not thread-safe: one snapshot at a time.
 */
public final class Workbench {
    private final Model template;
    private final SnapshotConfig config;
    private final long seed;
    private final List<ParameterTensor> tensors;
    private final Directions directions;
    private ProbeModel floatModel;
    private ProbeModel doubleModel;
    private INDArray[] raw;
    private SurfaceComputer surfaces;

    public Workbench(Model template, SnapshotConfig config, long seed, List<ParameterTensor> tensors) {
        this.template = template;
        this.config = config;
        this.seed = seed;
        this.tensors = List.copyOf(tensors);
        this.directions = new Directions(tensors, config.normalization(), config.biasBn());
    }

    public Model template() {
        return template;
    }

    public SnapshotConfig config() {
        return config;
    }

    public long seed() {
        return seed;
    }

    public List<ParameterTensor> tensors() {
        return tensors;
    }

    /** The tensors perturbed one at a time by per-tensor measures: the weights. */
    public List<ParameterTensor> weightTensors() {
        return tensors.stream().filter(t -> TensorRole.of(t) == TensorRole.WEIGHT).toList();
    }

    /** The run's directions (its normalization; biases and batch-norm weights per its options). */
    public Directions directions() {
        return directions;
    }

    /** The directions of the curvature measures: every trainable tensor, or the weights-only block. */
    public Directions curvature() {
        return config.curvatureAll() ? directions.allTrainable() : directions;
    }

    /** The copy in the model's own data type. */
    public ProbeModel floatModel() {
        if (floatModel == null) {
            floatModel = ProbeModel.of(template, null);
        }
        return floatModel;
    }

    /** The double-precision copy, for gradients and Hessian-vector products. */
    public ProbeModel doubleModel() {
        if (doubleModel == null) {
            doubleModel = ProbeModel.of(template, DataType.DOUBLE);
        }
        return doubleModel;
    }

    /**
     * The planes' and slices' evaluator on the copy in the model's own type, kept with its buffers from one snapshot
     * to the next (fresh buffers cost a run's first snapshot a fifth of its time in page faults here).
     */
    public SurfaceComputer surfaces() {
        if (surfaces == null) {
            surfaces = new SurfaceComputer(floatModel(), LinearFirstLayer.of(floatModel(), tensors).orElse(null));
        }
        return surfaces;
    }

    /** Frees the copies' and the surfaces' scratch memory on the calling thread (after a snapshot). */
    public void release() {
        if (surfaces != null) {
            surfaces.release();
        }
        if (floatModel != null) {
            floatModel.release();
        }
        if (doubleModel != null) {
            doubleModel.release();
        }
    }

    /** Whether the double-precision copy exists. */
    public boolean hasDoubleModel() {
        return doubleModel != null;
    }

    /** The run's fixed raw Gaussian draw number {@code which} (1, 2: the plane; 3: the line). */
    public INDArray raw(int which) {
        if (raw == null) {
            long n = tensors.stream().mapToLong(ParameterTensor::length).sum();
            Random runRng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
            raw = new INDArray[]{Nd4j.randn(runRng, n), Nd4j.randn(runRng, n), Nd4j.randn(runRng, n)};
        }
        return raw[which - 1];
    }

    /** {@code raw} normalized against {@code theta}, in its type, as a new array. */
    public INDArray normalized(INDArray raw, INDArray theta) {
        INDArray d = raw.castTo(theta.dataType()).dup();
        directions.normalize(d, theta);
        return d;
    }
}
