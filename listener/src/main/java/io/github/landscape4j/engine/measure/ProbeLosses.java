package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.ProbeReport;

import java.util.ArrayList;
import java.util.List;

/**
 * The probes at the centre, output-aware. The loss is in DL4J's own units, what {@code model.score(probe)} gives
 * without regularization: per example the output layers' losses summed over unmasked time steps (RNN outputs) and
 * over outputs, then the mean over examples, or the sum for a network configured {@code miniBatch(false)}. Its
 * standard error is over the probe's examples. Accuracy only when an output is a classifier (softmax or sigmoid with
 * one-hot labels; per unmasked time step for RNN outputs); for regression outputs the mean squared and absolute
 * errors instead, and no accuracy at all (absent, not NaN). A network with several outputs also gets each output's
 * loss ({@code train_loss_out0}, ... in output order, up to {@value #MAX_HEADS}). With a held-out probe also the
 * generalization gap in loss and in accuracy, and the gap's standard error {@code sqrt(SE_train² + SE_val²)} (the
 * probes are drawn independently). Always the first part: the engine tells a diverged model from these outputs.
 */
public final class ProbeLosses implements Measure {
    /** Outputs whose own loss is reported. */
    public static final int MAX_HEADS = 4;
    private static final String UNITS = " (in DL4J's score units: per example summed over time steps and outputs,"
            + " mean over examples; sum over examples for miniBatch(false))";

    @Override
    public String name() {
        return "centre";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return true;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        List<MeasureDescriptor> d = new ArrayList<>();
        for (String side : List.of("train", "val")) {
            String probe = side.equals("train") ? "train probe" : "validation probe";
            d.add(new MeasureDescriptor(side + "_loss", probe + " loss", "loss", "loss", "", "none",
                    side + "_loss_se", "mean loss of the model on the " + probe + " (no regularization)" + UNITS));
            d.add(new MeasureDescriptor(side + "_loss_se", probe + " loss SE", "loss", "loss_se", "", "none", "",
                    "standard error of the mean loss over the " + probe + "'s examples"));
            d.add(new MeasureDescriptor(side + "_accuracy", probe + " accuracy", "fraction", "accuracy", "", "none",
                    "", "fraction of the " + probe + "'s examples classified right, per time step for RNN outputs"
                    + " (the first classifier output: softmax or sigmoid with one-hot labels; absent otherwise)"));
            d.add(new MeasureDescriptor(side + "_mse", probe + " MSE", "squared output units", "regression", "",
                    "none", "", "mean squared error over every value of the regression outputs on the " + probe
                    + " (masked time steps left out; absent without a regression output)"));
            d.add(new MeasureDescriptor(side + "_mae", probe + " MAE", "output units", "regression_mae", "", "none",
                    "", "mean absolute error over the same values"));
            for (int h = 0; h < MAX_HEADS; h++) {
                d.add(new MeasureDescriptor(side + "_loss_out" + h, probe + " loss, output " + h, "loss",
                        "loss_heads", "", "none", "", "the share of output " + h + " (in the order of the graph's"
                        + " outputs) in the " + probe + " loss; networks with several outputs only"));
            }
        }
        d.add(new MeasureDescriptor("gap", "loss gap (val − train)", "loss", "gap_loss", "", "none", "gap_se",
                "validation probe loss minus train probe loss"));
        d.add(new MeasureDescriptor("gap_se", "loss gap SE", "loss", "loss_se", "", "none", "",
                "standard error of the loss gap, sqrt(SE_train² + SE_val²)"));
        d.add(new MeasureDescriptor("accuracy_gap", "accuracy gap (train − val)", "fraction", "gap_accuracy", "",
                "none", "", "train probe accuracy minus validation probe accuracy (classifiers only)"));
        return d;
    }

    @Override
    public void compute(EvaluationContext ctx) {
        ProbeReport t = report(ctx, ctx.train());
        put(ctx, "train", t);
        if (ctx.validation() != null) {
            ProbeReport v = report(ctx, ctx.validation());
            put(ctx, "val", v);
            ctx.put("gap", v.loss() - t.loss());
            ctx.put("gap_se", Math.sqrt(t.standardError() * t.standardError()
                    + v.standardError() * v.standardError()));
            if (t.classifier() && v.classifier()) {
                ctx.put("accuracy_gap", t.accuracy() - v.accuracy());
            }
        }
    }

    private static ProbeReport report(EvaluationContext ctx, Probe probe) {
        ProbeModel m = ctx.workbench().floatModel();
        m.load(ctx.centre());
        return m.report(probe);
    }

    private static void put(EvaluationContext ctx, String side, ProbeReport r) {
        ctx.put(side + "_loss", r.loss());
        ctx.put(side + "_loss_se", r.standardError());
        if (r.classifier()) {
            ctx.put(side + "_accuracy", r.accuracy());
        }
        if (r.regression()) {
            ctx.put(side + "_mse", r.mse());
            ctx.put(side + "_mae", r.mae());
        }
        double[] heads = r.headLosses();
        if (heads.length > 1) {
            for (int h = 0; h < Math.min(heads.length, MAX_HEADS); h++) {
                ctx.put(side + "_loss_out" + h, heads[h]);
            }
        }
    }
}
