package io.github.landscape4j.engine.measure;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.internal.Workbench;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.TensorPerturbations;

import java.util.List;

/**
 * Random-perturbation sharpness: {@code K} directions, normalized as the run's directions (filter normalization of
 * Li et al., NeurIPS 2018, by default) and scaled by {@code ε}; the mean and the max of {@code |L(θ + ε·d) - L(θ)|}
 * on the train probe. Per weight tensor too (only that tensor perturbed) when per-tensor measures are on; for a
 * tensor past an MLP's first layer all directions are evaluated in one batch.
 */
public final class RandomSharpness implements Measure {

    @Override
    public String name() {
        return "random sharpness";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().sharpnessK() > 0;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        String scope = config.biasBn() ? "all" : "weights";
        String paper = "Li, Xu, Taylor, Studer, Goldstein, NeurIPS 2018 (filter-normalized directions)";
        return List.of(
                new MeasureDescriptor("sharpness_random_mean", "random sharpness (mean)", "loss", "sharpness_loss",
                        paper, scope, "sharpness_random_mean_se",
                        "mean |L(θ+ε·d) − L(θ)| over K random normalized directions d"),
                new MeasureDescriptor("sharpness_random_mean_se", "random sharpness (mean) SE", "loss",
                        "sharpness_loss_se", paper, scope, "", "standard error of the mean over the K directions:"
                        + " their sample standard deviation over √K (absent for K = 1)"),
                new MeasureDescriptor("sharpness_random_max", "random sharpness (max)", "loss", "sharpness_loss",
                        paper, scope, "", "max |L(θ+ε·d) − L(θ)| over K random normalized directions d"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Workbench b = ctx.workbench();
        SnapshotConfig c = ctx.config();
        Sharpness sharpness = new Sharpness(b.floatModel(), b.directions());
        double base = ctx.measure("train_loss");
        java.util.List<INDArray> drawn = new java.util.ArrayList<>(); // for an export: the directions as drawn
        Sharpness.Random2 r = sharpness.randomPerturbation(ctx.centre(), base, ctx.train(), c.sharpnessK(),
                c.epsilon(), ctx.random(), null, ctx.exporting() ? drawn::add : null);
        if (!drawn.isEmpty()) {
            ctx.keep("sharpness.directions", org.nd4j.linalg.factory.Nd4j.vstack(drawn.stream()
                    .map(d -> d.reshape(1, d.length())).toArray(INDArray[]::new)));
        }
        ctx.put("sharpness_random_mean", r.mean());
        if (!Double.isNaN(r.meanSe())) {
            ctx.put("sharpness_random_mean_se", r.meanSe());
        }
        ctx.put("sharpness_random_max", r.max());
        if (c.perTensorMeasures()) {
            for (ParameterTensor t : b.weightTensors()) {
                Sharpness.Random2 rt = sharpness.randomPerturbation(ctx.centre(), base, ctx.train(), c.sharpnessK(),
                        c.epsilon(), ctx.random(), t,
                        TensorPerturbations.of(b.floatModel(), b.tensors(), t).orElse(null));
                ctx.putPerTensor(t.name(), "sharpness_random_mean", rt.mean());
            }
        }
    }
}
