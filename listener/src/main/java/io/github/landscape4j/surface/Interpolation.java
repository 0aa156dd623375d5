package io.github.landscape4j.surface;

import io.github.landscape4j.store.Slice;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * 1D linear interpolation between two models of one architecture (Goodfellow, Vinyals, Saxe, ICLR 2015; used by
 * Keskar et al. 2017 between small-batch and large-batch minimizers): {@code L((1-α)·θa + α·θb)} on a probe, in
 * inference mode, on a private copy of {@code a}. Neither model is changed. Not thread-safe per call; stateless.
 */
public final class Interpolation {
    private Interpolation() {
    }

    /** The default coordinates: {@code α} in {@code [-0.5, 1.5]}, 41 points (0 and 1 among them). */
    public static double[] defaultAlphas() {
        return SurfaceComputer.linspace(-0.5, 1.5, 41);
    }

    /**
     * Loss and accuracy along the line from {@code a} (α = 0) to {@code b} (α = 1) on {@code probe} and, when not
     * null, {@code validation}.
     *
     * @throws IllegalArgumentException when the models' parameter counts differ
     */
    public static Slice between(Model a, Model b, DataSet probe, DataSet validation, double[] alphas) {
        if (a.numParams() != b.numParams()) {
            throw new IllegalArgumentException("models differ in parameter count: " + a.numParams() + " vs "
                    + b.numParams() + "; interpolation needs one architecture");
        }
        ProbeModel copy = ProbeModel.of(a, null);
        INDArray thetaA = a.params().reshape(a.numParams()).castTo(copy.dataType());
        INDArray thetaB = b.params().reshape(b.numParams()).castTo(copy.dataType());
        Probe train = Probes.of(probe, probe.numExamples(), "given probe");
        Probe val = validation == null ? null : Probes.of(validation, validation.numExamples(), "given validation");
        SurfaceComputer.Line[] l = new SurfaceComputer(copy).line(thetaA, thetaB.sub(thetaA), alphas, train, val);
        return new Slice("interpolation", "model a (α=0) → model b (α=1)", alphas.clone(), l[0].loss(),
                l[0].accuracy(), val == null ? new double[0] : l[1].loss(), val == null ? new double[0] : l[1].accuracy());
    }
}
