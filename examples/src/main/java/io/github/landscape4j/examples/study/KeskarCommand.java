package io.github.landscape4j.examples.study;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.examples.Args;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StoppingRule;
import io.github.landscape4j.study.StudyPlan;
import io.github.landscape4j.study.StudyReport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code examples/keskar.sh}: Keskar, Mudigere, Nocedal, Smelyanskiy, Tang, "On large-batch training for deep
 * learning: generalization gap and sharp minima" (ICLR 2017), on Fashion-MNIST: the MLP and a small CNN, each trained
 * with a small and a large batch (Adam 1e-3) at <b>equal train loss</b>: the small batch for its epochs, then the
 * large batch until its train-probe loss is below the small batch's (at most {@code --max-epochs-large}, by default
 * twice the small batch's number of steps), each a study in one store ({@code --same-epochs}: both the same number of
 * epochs, as one study, which leaves the large batch under-trained); then ε-sharpness
 * (Metric 2.1) at ε = 1e-3 and 5e-4 at both minimizers, and the 1D interpolation {@code θ(α) = θ_SB + α(θ_LB −
 * θ_SB)}, α from −1 to 2, with train and test loss and accuracy (their Figure 3). Prints the table; writes
 * {@code keskar.csv} (the interpolation), {@code keskar-summary.csv}, {@code keskar.json}, {@code keskar.md} and
 * {@code keskar.png} under {@code --out}. Started again it reuses the trained runs in the store.
 */
public final class KeskarCommand {
    private static final Set<String> KNOWN = Set.of("out", "families", "train", "probe", "epochs-mlp", "epochs-cnn",
            "small", "large", "seed", "points", "max-epochs-large");

    private KeskarCommand() {
    }

    record Minimum(String family, int batch, double trainLoss, double testLoss, double trainAccuracy,
                   double testAccuracy, double sharp1e3, double sharp5e4, double trainSeconds, int epochs,
                   String stop) {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, KNOWN, Set.of("quick", "same-epochs"));
        boolean quick = a.flag("quick");
        boolean sameEpochs = a.flag("same-epochs");
        Path out = Path.of(a.get("out", quick ? "runs/keskar-quick" : "runs/keskar"));
        List<String> families = List.of(a.get("families", "mlp,cnn").split(","));
        int trainN = a.getInt("train", quick ? 1024 : 8192);
        int probeN = a.getInt("probe", quick ? 256 : 1000);
        int small = a.getInt("small", 64);
        int large = a.getInt("large", quick ? 512 : 4096);
        int seed = a.getInt("seed", 1);
        int points = a.getInt("points", quick ? 13 : 31);
        DataSet train = FashionModels.train(trainN);
        DataSet test = FashionModels.test(probeN);
        System.out.printf(Locale.ROOT, "Keskar et al. 2017 on Fashion-MNIST: batch %d vs %d, Adam 1e-3, %s, %d"
                + " training examples, probes of %d train and %d test examples, seed %d%n", small, large,
                sameEpochs ? "the same epochs" : "equal train loss", trainN, probeN, probeN, seed);
        List<Minimum> minima = new ArrayList<>();
        List<Figure.Panel> panels = new ArrayList<>();
        StringBuilder interpolationCsv = new StringBuilder("family,alpha,train_loss,test_loss,train_accuracy,"
                + "test_accuracy\n");
        long start = System.nanoTime();
        try (LandscapeStore store = LandscapeStore.open(out.resolve("keskar.db"))) {
            for (String family : families) {
                int epochs = a.getInt("epochs-" + family, family.equals("mlp") ? (quick ? 3 : 20) : (quick ? 1 : 4));
                int hidden = family.equals("mlp") ? 100 : 8;
                System.out.println(FashionModels.describe(family, hidden) + ": " + epochs + " epochs");
                List<RunSettings> settings = new ArrayList<>();
                List<StudyRecord.Run> runs = new ArrayList<>();
                if (sameEpochs) {
                    StudyPlan plan = plan(seed, epochs, small, large);
                    StudyRecord study = study("keskar-" + family, store, family, hidden, trainN, train, test, plan,
                            probeN, StoppingRule.epochs());
                    StudyReport.write(study, out.resolve(family));
                    settings.addAll(plan.runs());
                    runs.addAll(study.runs());
                } else { // the large batch trains until it reaches the small batch's train loss
                    StudyPlan sb = plan(seed, epochs, small);
                    StudyRecord.Run sbRun = study("keskar-" + family + "-small", store, family, hidden, trainN,
                            train, test, sb, probeN, StoppingRule.epochs()).runs().get(0);
                    int cap = a.getInt("max-epochs-large", Math.max(epochs, 2 * epochs * large / small));
                    StudyPlan lb = plan(seed, cap, large);
                    StudyRecord.Run lbRun = study("keskar-" + family + "-large", store, family, hidden, trainN,
                            train, test, lb, probeN, StoppingRule.trainLossBelow(sbRun.measure("train_loss")))
                            .runs().get(0);
                    settings.addAll(List.of(sb.runs().get(0), lb.runs().get(0)));
                    runs.addAll(List.of(sbRun, lbRun));
                }
                INDArray[] theta = new INDArray[2];
                for (int i = 0; i < 2; i++) {
                    StudyRecord.Run run = runs.get(i);
                    RunSettings s = settings.get(i);
                    theta[i] = finalParams(store, run.runId());
                    MultiLayerNetwork net = (MultiLayerNetwork) FashionModels.of(family, hidden).create(s);
                    net.setParams(theta[i].reshape(net.params().shape()));
                    double sharp5e4 = LandscapeEngine.builder(net).config(epsilonOnly(5e-4)).seed(seed).build()
                            .snapshot(SnapshotRequest.of(probe(train, probeN))).measure("sharpness_eps");
                    minima.add(new Minimum(family, s.batchSize(), run.measure("train_loss"), run.measure("val_loss"),
                            run.measure("train_accuracy"), run.measure("val_accuracy"),
                            run.measure("sharpness_eps"), sharp5e4, run.trainSeconds(), run.epochs(),
                            run.stopReason()));
                }
                double[][] curve = interpolate(FashionModels.of(family, hidden), settings.get(0), theta[0],
                        theta[1], head(train, probeN), test, points);
                for (int k = 0; k < points; k++) {
                    interpolationCsv.append(String.format(Locale.ROOT, "%s,%.4f,%.6f,%.6f,%.6f,%.6f%n", family,
                            curve[0][k], curve[1][k], curve[2][k], curve[3][k], curve[4][k]));
                }
                String title = family.toUpperCase(Locale.ROOT) + ": θ_SB (α=0, batch " + small + ") to θ_LB (α=1,"
                        + " batch " + large + ")";
                panels.add(new Figure.Panel(title, "α", "cross-entropy", true)
                        .line("train", curve[0], curve[1], Figure.BLUE, false)
                        .line("test", curve[0], curve[2], Figure.RED, true).vertical(0).vertical(1));
                panels.add(new Figure.Panel(family.toUpperCase(Locale.ROOT) + ": accuracy", "α", "accuracy", false)
                        .line("train", curve[0], curve[3], Figure.BLUE, false)
                        .line("test", curve[0], curve[4], Figure.RED, true).vertical(0).vertical(1));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(out);
        Files.writeString(out.resolve("keskar.csv"), interpolationCsv.toString());
        String table = table(minima);
        Files.writeString(out.resolve("keskar-summary.csv"), summaryCsv(minima));
        Files.writeString(out.resolve("keskar.json"), json(minima, sameEpochs));
        Files.writeString(out.resolve("keskar.md"), "# Keskar et al. 2017 on Fashion-MNIST\n\n" + table
                + String.format(Locale.ROOT, "%nTook %.0f s (this session).%n", seconds));
        Path png = out.resolve("keskar.png");
        Figure.write(png, "Keskar et al. 2017, Figure 3 on Fashion-MNIST: linear interpolation between the"
                + " small-batch and the large-batch minimizer", 2, panels);
        System.out.println();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "took %.0f s; wrote %s, %s, %s, %s, %s%n", seconds, out.resolve("keskar.csv"),
                out.resolve("keskar-summary.csv"), out.resolve("keskar.json"), out.resolve("keskar.md"), png);
    }

    private static StudyPlan plan(int seed, int epochs, int... batches) {
        return StudyPlan.builder().seeds(seed).batchSizes(batches).optimizers(Optimizer.ADAM).learningRates(1e-3)
                .epochs(epochs).grid();
    }

    private static StudyRecord study(String name, LandscapeStore store, String family, int hidden, int trainN,
                                     DataSet train, DataSet test, StudyPlan plan, int probeN, StoppingRule stop) {
        return Study.builder(name).store(store).model(FashionModels.of(family, hidden))
                .description(FashionModels.describe(family, hidden) + ", " + trainN + " training examples")
                .data(train, test).plan(plan).probeSize(probeN).snapshots(epsilonOnly(1e-3)).stopping(stop)
                .progress(System.out::println).build().run();
    }

    /** {@code keskar.json}: the mode, each minimizer, and per family the large batch's train loss over the small's. */
    static String json(List<Minimum> minima, boolean sameEpochs) {
        java.util.Map<String, Object> root = new java.util.LinkedHashMap<>();
        root.put("mode", sameEpochs ? "same epochs" : "equal train loss");
        root.put("paper", "Keskar, Mudigere, Nocedal, Smelyanskiy, Tang, ICLR 2017 (Metric 2.1, Figure 3)");
        List<java.util.Map<String, Object>> list = new ArrayList<>();
        java.util.Map<String, Double> ratio = new java.util.LinkedHashMap<>();
        for (Minimum m : minima) {
            java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
            o.put("family", m.family());
            o.put("batch", m.batch());
            o.put("epochs", m.epochs());
            o.put("stop", m.stop());
            o.put("train_loss", m.trainLoss());
            o.put("test_loss", m.testLoss());
            o.put("train_accuracy", m.trainAccuracy());
            o.put("test_accuracy", m.testAccuracy());
            o.put("sharpness_eps_1e-3", m.sharp1e3());
            o.put("sharpness_eps_5e-4", m.sharp5e4());
            o.put("train_seconds", m.trainSeconds());
            list.add(o);
            ratio.merge(m.family(), m.trainLoss(), (first, second) -> second / first);
        }
        root.put("minima", list);
        root.put("train_loss_large_over_small", ratio);
        return new com.google.gson.GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                .toJson(root) + "\n";
    }

    /** Only what Keskar et al. measure: the probe losses and ε-sharpness (10 ascent steps, the box over all). */
    static SnapshotConfig epsilonOnly(double epsilon) {
        SnapshotConfig d = Study.defaultSnapshots();
        return new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(), Set.of(), false, epsilon, 0,
                d.ascentSteps(), 0, 0, false, true, d.curvatureAll(), d.pcaCentred());
    }

    static INDArray finalParams(LandscapeStore store, String runId) {
        Checkpoint last = store.checkpoints(runId).stream().filter(c -> c.kind() == Checkpoint.Kind.FINAL)
                .findFirst().orElseThrow(() -> new IllegalStateException("run " + runId + " has no final checkpoint"));
        return Nd4j.create(last.params());
    }

    static DataSet head(DataSet d, int n) {
        return new DataSet(d.getFeatures().get(NDArrayIndex.interval(0, n)),
                d.getLabels().get(NDArrayIndex.interval(0, n)));
    }

    static Probe probe(DataSet d, int n) {
        DataSet h = head(d, n);
        return new Probe(new INDArray[]{h.getFeatures().dup()}, new INDArray[]{h.getLabels().dup()},
                "first " + n + " training examples");
    }

    /** α, train loss, test loss, train accuracy, test accuracy along θ_a + α(θ_b − θ_a), α in [−1, 2]. */
    static double[][] interpolate(io.github.landscape4j.study.StudyModel model, RunSettings s, INDArray a,
                                  INDArray b, DataSet train, DataSet test, int points) {
        MultiLayerNetwork net = (MultiLayerNetwork) model.create(s);
        INDArray dir = b.sub(a);
        double[][] out = new double[5][points];
        for (int k = 0; k < points; k++) {
            double alpha = -1 + 3.0 * k / (points - 1);
            net.setParams(a.add(dir.mul(alpha)).reshape(net.params().shape()));
            out[0][k] = alpha;
            out[1][k] = net.score(train);
            out[2][k] = net.score(test);
            out[3][k] = accuracy(net, train);
            out[4][k] = accuracy(net, test);
        }
        return out;
    }

    static double accuracy(MultiLayerNetwork net, DataSet d) {
        INDArray predicted = net.output(d.getFeatures()).argMax(1);
        INDArray actual = d.getLabels().argMax(1);
        return predicted.eq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber().doubleValue();
    }

    static String table(List<Minimum> minima) {
        StringBuilder b = new StringBuilder("| model | batch | epochs | stopped | train loss | test loss | train acc."
                + " | test acc. | ε-sharpness ε=1e-3 | ε-sharpness ε=5e-4 | training s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Minimum m : minima) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f | %.0f"
                    + " |%n", m.family(), m.batch(), m.epochs(), m.stop(), m.trainLoss(), m.testLoss(),
                    m.trainAccuracy(), m.testAccuracy(), m.sharp1e3(), m.sharp5e4(), m.trainSeconds()));
        }
        return b.toString();
    }

    static String summaryCsv(List<Minimum> minima) {
        StringBuilder b = new StringBuilder("family,batch,epochs,train_loss,test_loss,train_accuracy,test_accuracy,"
                + "sharpness_eps_1e-3,sharpness_eps_5e-4,train_seconds\n");
        for (Minimum m : minima) {
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.1f%n", m.family(),
                    m.batch(), m.epochs(), m.trainLoss(), m.testLoss(), m.trainAccuracy(), m.testAccuracy(),
                    m.sharp1e3(), m.sharp5e4(), m.trainSeconds()));
        }
        return b.toString();
    }

    /** For tests: reads the summary back. */
    static List<String> summaryLines(Path out) throws IOException {
        return Files.readAllLines(out.resolve("keskar-summary.csv"));
    }
}
