package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;

import java.util.ArrayList;
import java.util.List;

/**
 * The probes at the centre: mean loss (the output layers' loss functions, without regularization), its standard
 * error over the probe's examples, accuracy; with a held-out probe also the generalization gap in loss and in
 * accuracy, and the gap's standard error {@code sqrt(SE_train² + SE_val²)} (the probes are drawn independently).
 * Always the first part: the engine tells a diverged model from these outputs.
 */
public final class ProbeLosses implements Measure {

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
                    side + "_loss_se", "mean loss of the model on the " + probe + " (no regularization)"));
            d.add(new MeasureDescriptor(side + "_loss_se", probe + " loss SE", "loss", "loss_se", "", "none", "",
                    "standard error of the mean loss over the " + probe + "'s examples"));
            d.add(new MeasureDescriptor(side + "_accuracy", probe + " accuracy", "fraction", "accuracy", "", "none",
                    "", "fraction of the " + probe + "'s examples classified right (classifiers only)"));
        }
        d.add(new MeasureDescriptor("gap", "loss gap (val − train)", "loss", "gap_loss", "", "none", "gap_se",
                "validation probe loss minus train probe loss"));
        d.add(new MeasureDescriptor("gap_se", "loss gap SE", "loss", "loss_se", "", "none", "",
                "standard error of the loss gap, sqrt(SE_train² + SE_val²)"));
        d.add(new MeasureDescriptor("accuracy_gap", "accuracy gap (train − val)", "fraction", "gap_accuracy", "",
                "none", "", "train probe accuracy minus validation probe accuracy"));
        return d;
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Evaluation t = ctx.evaluate(ctx.centre(), ctx.train());
        ctx.put("train_loss", t.loss());
        ctx.put("train_loss_se", t.standardError());
        ctx.put("train_accuracy", t.accuracy());
        if (ctx.validation() != null) {
            Evaluation v = ctx.evaluate(ctx.centre(), ctx.validation());
            ctx.put("val_loss", v.loss());
            ctx.put("val_loss_se", v.standardError());
            ctx.put("val_accuracy", v.accuracy());
            ctx.put("gap", v.loss() - t.loss());
            ctx.put("gap_se", Math.sqrt(t.standardError() * t.standardError()
                    + v.standardError() * v.standardError()));
            ctx.put("accuracy_gap", t.accuracy() - v.accuracy());
        }
    }
}
