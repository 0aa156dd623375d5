package io.github.landscape4j.examples.study;

import io.github.landscape4j.examples.Args;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyPlan;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code examples/li.sh}: Li, Xu, Taylor, Studer, Goldstein (NeurIPS 2018), the weight-decay trap, on the
 * Fashion-MNIST MLP: small and large batch (SGD with momentum), each without and with weight decay; the loss along
 * one random direction, raw (the same direction for every model, scaled once) and filter-normalized (each filter
 * scaled to the model's own filter norm; biases not moved). Which batch looks sharper is read from the mean loss
 * rise at t = ±0.5. The raw verdict depends on the weights' scale, which weight decay changes; the filter-normalized
 * one should not. Writes {@code li.csv}, {@code li.md} and {@code li.png} under {@code --out}.
 */
public final class LiCommand {
    private static final Set<String> KNOWN = Set.of("out", "train", "probe", "epochs", "small", "large", "lr",
            "weight-decay", "hidden", "seed", "points", "model");

    private LiCommand() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, KNOWN, Set.of("quick"));
        boolean quick = a.flag("quick");
        Path out = Path.of(a.get("out", quick ? "runs/li-quick" : "runs/li"));
        int trainN = a.getInt("train", quick ? 1024 : 8192);
        int probeN = a.getInt("probe", quick ? 256 : 1000);
        int epochs = a.getInt("epochs", quick ? 2 : 10);
        int small = a.getInt("small", 64);
        int large = a.getInt("large", quick ? 512 : 2048);
        int hidden = a.getInt("hidden", 100);
        String family = a.get("model", "mlp");
        if (!family.equals("mlp") && !family.equals("mlp-bn")) {
            throw new IllegalArgumentException("--model '" + family + "': allowed are mlp, mlp-bn");
        }
        int points = a.getInt("points", quick ? 11 : 41);
        double lr = Double.parseDouble(a.get("lr", "0.05"));
        double wd = Double.parseDouble(a.get("weight-decay", "0.0005"));
        long seed = a.getInt("seed", 1);
        DataSet train = FashionModels.train(trainN);
        DataSet test = FashionModels.test(probeN);
        DataSet probe = KeskarCommand.head(train, probeN);
        System.out.printf(Locale.ROOT, "Li et al. 2018, the weight-decay trap: %s, SGD momentum lr %s, batch %d vs %d,"
                        + " weight decay 0 vs %s, %d epochs on %d examples, seed %d%n",
                FashionModels.describe(family, hidden), lr, small, large, RunSettingsText.of(wd), epochs, trainN, seed);
        long start = System.nanoTime();
        StudyPlan plan = StudyPlan.builder().seeds(seed).batchSizes(small, large).optimizers(Optimizer.SGD_MOMENTUM)
                .learningRates(lr).weightDecays(0, wd).epochs(epochs).grid();
        Map<RunSettings, INDArray> finals = new java.util.LinkedHashMap<>();
        try (LandscapeStore store = LandscapeStore.open(out.resolve("li.db"))) {
            StudyRecord study = Study.builder("li").store(store).model(FashionModels.of(family, hidden))
                    .description(FashionModels.describe(family, hidden)).data(train, test).plan(plan)
                    .probeSize(probeN).snapshots(KeskarCommand.epsilonOnly(1e-3)).progress(System.out::println)
                    .build().run();
            for (int i = 0; i < plan.runs().size(); i++) {
                String runId = study.runs().get(i).runId();
                finals.put(plan.runs().get(i), Nd4j.create(store.checkpoints(runId).stream()
                        .filter(c -> c.kind() == Checkpoint.Kind.FINAL).findFirst().orElseThrow().params()));
            }
        }
        MultiLayerNetwork net = (MultiLayerNetwork) FashionModels.of(family, hidden).create(plan.runs().get(0));
        Nd4j.getRandom().setSeed(seed + 1000);
        Map<String, INDArray> gaussian = new java.util.LinkedHashMap<>();
        net.paramTable().forEach((k, v) -> gaussian.put(k, Nd4j.randn(v.dataType(), v.shape())));
        // raw: one direction for every model, scaled once to the norm of the first model's weights
        INDArray first = finals.values().iterator().next();
        INDArray raw = flatten(net, gaussian, Map.of(), first);
        double[] t = new double[points];
        for (int k = 0; k < points; k++) {
            t[k] = -1 + 2.0 * k / (points - 1);
        }
        StringBuilder csv = new StringBuilder("direction,batch,weight_decay,t,train_loss\n");
        StringBuilder md = new StringBuilder("| direction | weight decay | weight norm SB / LB | loss rise at ±0.5, SB"
                + " | LB | sharper |\n|---|---|---|---|---|---|\n");
        List<Figure.Panel> panels = new ArrayList<>();
        Map<String, String> verdicts = new java.util.LinkedHashMap<>();
        for (String kind : List.of("raw", "filter-normalized")) {
            for (double decay : new double[]{0, wd}) {
                Figure.Panel panel = new Figure.Panel(kind + ", weight decay " + RunSettingsText.of(decay), "t",
                        "train-probe loss", true);
                double[] rise = new double[2];
                double[] norms = new double[2];
                int b = 0;
                for (Map.Entry<RunSettings, INDArray> e : finals.entrySet()) {
                    RunSettings s = e.getKey();
                    if (s.weightDecay() != decay) {
                        continue;
                    }
                    INDArray theta = e.getValue();
                    INDArray d = kind.equals("raw") ? raw : flatten(net, gaussian, filterNorms(net, theta), null);
                    double[] loss = new double[points];
                    for (int k = 0; k < points; k++) {
                        net.setParams(theta.add(d.mul(t[k])).reshape(net.params().shape()));
                        loss[k] = loss(net, probe);
                        csv.append(String.format(Locale.ROOT, "%s,%d,%s,%.4f,%.6f%n", kind, s.batchSize(),
                                decay, t[k], loss[k]));
                    }
                    net.setParams(theta.reshape(net.params().shape()));
                    double centre = loss(net, probe);
                    double at = (lossAt(net, theta, d, 0.5, probe) + lossAt(net, theta, d, -0.5, probe)) / 2;
                    rise[b] = at - centre;
                    norms[b] = weightNorm(net, theta);
                    panel.line("batch " + s.batchSize(), t, loss, b == 0 ? Figure.BLUE : Figure.ORANGE, b == 1);
                    b++;
                }
                String sharper = rise[0] > rise[1] ? "small batch" : "large batch";
                verdicts.put(kind + "/" + decay, sharper);
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f / %.2f | %.4f | %.4f | %s |%n", kind,
                        RunSettingsText.of(decay), norms[0], norms[1], rise[0], rise[1], sharper));
                panels.add(panel);
            }
        }
        boolean rawFlips = !verdicts.get("raw/0.0").equals(verdicts.get("raw/" + wd));
        boolean filterFlips = !verdicts.get("filter-normalized/0.0").equals(verdicts.get("filter-normalized/" + wd));
        double seconds = (System.nanoTime() - start) / 1e9;
        md.append(String.format(Locale.ROOT, "%nWith weight decay the raw-direction verdict %s; the filter-normalized"
                + " verdict %s. Took %.0f s.%n", rawFlips ? "flips" : "does not flip",
                filterFlips ? "flips" : "does not flip", seconds));
        Files.createDirectories(out);
        Files.writeString(out.resolve("li.csv"), csv.toString());
        Files.writeString(out.resolve("li.md"), "# Li et al. 2018: the weight-decay trap\n\n" + md);
        Figure.write(out.resolve("li.png"), "Li et al. 2018 on Fashion-MNIST: one random direction, raw and"
                + " filter-normalized, small vs large batch, without and with weight decay", 2, panels);
        System.out.print(md);
        System.out.println("wrote " + out.resolve("li.csv") + ", " + out.resolve("li.md") + ", "
                + out.resolve("li.png"));
    }

    /** Number text as the study writes it. */
    private static final class RunSettingsText {
        static String of(double v) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
    }

    /** Mean cross-entropy without the regularization term (weight decay would add to the score). */
    static double loss(MultiLayerNetwork net, DataSet d) {
        INDArray p = Transforms.log(Transforms.max(net.output(d.getFeatures()), 1e-10));
        return -p.mul(d.getLabels()).sum(1).meanNumber().doubleValue();
    }

    private static double lossAt(MultiLayerNetwork net, INDArray theta, INDArray d, double t, DataSet probe) {
        net.setParams(theta.add(d.mul(t)).reshape(net.params().shape()));
        double l = loss(net, probe);
        net.setParams(theta.reshape(net.params().shape()));
        return l;
    }

    /** Norm of the weight tensors (biases left out). */
    private static double weightNorm(MultiLayerNetwork net, INDArray theta) {
        net.setParams(theta.reshape(net.params().shape()));
        double sq = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            if (e.getKey().endsWith("_W")) {
                sq += Math.pow(e.getValue().norm2Number().doubleValue(), 2);
            }
        }
        return Math.sqrt(sq);
    }

    /** Per weight tensor, the norm of each filter (column of a dense layer's [nIn, nOut] weights) at theta. */
    private static Map<String, INDArray> filterNorms(MultiLayerNetwork net, INDArray theta) {
        net.setParams(theta.reshape(net.params().shape()));
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        net.paramTable().forEach((k, v) -> {
            if (k.endsWith("_W")) {
                out.put(k, v.norm2(0).dup());
            }
        });
        return out;
    }

    /**
     * The direction as a flat vector in the parameters' order: weights from {@code gaussian}, biases 0. With
     * {@code filterNorms}, each filter scaled to that norm; with {@code scaleTo}, the whole weight part scaled to the
     * weight norm of those parameters.
     */
    private static INDArray flatten(MultiLayerNetwork net, Map<String, INDArray> gaussian,
                                    Map<String, INDArray> filterNorms, INDArray scaleTo) {
        double target = scaleTo == null ? 0 : weightNorm(net, scaleTo);
        MultiLayerNetwork scratch = net.clone();
        double sq = 0;
        for (Map.Entry<String, INDArray> e : gaussian.entrySet()) {
            INDArray view = scratch.getParam(e.getKey());
            if (!e.getKey().endsWith("_W")) {
                view.assign(0);
                continue;
            }
            INDArray d = e.getValue().dup();
            INDArray norms = filterNorms.get(e.getKey());
            if (norms != null) {
                d.diviRowVector(d.norm2(0)).muliRowVector(norms);
            }
            view.assign(d);
            sq += Math.pow(d.norm2Number().doubleValue(), 2);
        }
        INDArray flat = scratch.params().dup();
        return scaleTo == null ? flat : flat.muli(target / Math.sqrt(sq));
    }
}
