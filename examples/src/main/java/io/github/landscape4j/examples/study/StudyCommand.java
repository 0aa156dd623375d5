package io.github.landscape4j.examples.study;

import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.examples.Args;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.StoppingRule;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyAnswer;
import io.github.landscape4j.study.StudyPlan;
import io.github.landscape4j.study.StudyReport;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code examples/study.sh}: does a flat minimum predict generalization, on a built-in Fashion-MNIST family. Trains
 * a grid of runs (seed × batch size × optimizer × weight decay; 48 runs by default, 6 tiny ones with
 * {@code --quick}), measures each final point, prints the settings, one line per run with the ETA, the strongest
 * correlations, and writes {@code runs.csv}, {@code correlations.csv}, {@code study.json} and {@code report.md}
 * under {@code --out} (the store, {@code study.db}, too). Started again it resumes: finished runs are skipped.
 */
public final class StudyCommand {
    private static final Set<String> KNOWN = Set.of("out", "store", "name", "family", "hidden", "seeds", "batches",
            "optimizers", "lr", "weight-decays", "dropouts", "epochs", "train", "probe", "stop-loss", "parallel", "spark");

    private StudyCommand() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, KNOWN, Set.of("quick"));
        boolean quick = a.flag("quick");
        Path out = Path.of(a.get("out", quick ? "runs/study-quick" : "runs/study"));
        Path storePath = Path.of(a.get("store", out.resolve("study.db").toString()));
        String name = a.get("name", quick ? "quick" : "seeds");
        String family = a.get("family", "mlp");
        int hidden = a.getInt("hidden", quick ? 16 : family.equals("mlp") ? 100 : 8);
        StudyPlan plan = StudyPlan.builder()
                .seeds(longs(a.get("seeds", quick ? "1,2,3" : "1,2,3,4,5,6")))
                .batchSizes(ints(a.get("batches", quick ? "16,400" : "32,1024")))
                .optimizers(Arrays.stream(a.get("optimizers", quick ? "adam" : "sgd,adam").split(","))
                        .map(Optimizer::of).toArray(Optimizer[]::new))
                .learningRates(doubles(a.get("lr", "0.01")))
                .weightDecays(doubles(a.get("weight-decays", quick ? "0" : "0,0.0005")))
                .dropouts(doubles(a.get("dropouts", "0")))
                .epochs(ints(a.get("epochs", quick ? "2" : "10")))
                .grid();
        int trainN = a.getInt("train", quick ? 400 : 6000);
        int probe = a.getInt("probe", quick ? 200 : 1000);
        String stopLoss = a.get("stop-loss", "");
        StoppingRule stopping = stopLoss.isEmpty() ? StoppingRule.epochs()
                : StoppingRule.trainLossBelow(Double.parseDouble(stopLoss));
        SnapshotConfig d = Study.defaultSnapshots();
        SnapshotConfig snapshots = quick ? new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(),
                d.planes(), false, d.epsilon(), 5, 3, 5, 3, false, d.sharpnessBoxAll(), d.curvatureAll(),
                d.pcaCentred()) : d;

        System.out.println("study " + name + ": " + FashionModels.describe(family, hidden));
        System.out.println("  plan: " + plan.describe());
        System.out.printf(Locale.ROOT, "  data: first %d Fashion-MNIST training examples; probes of %d train and %d"
                + " held-out (test split) examples; stopping: %s%n", trainN, probe, probe, stopping);
        System.out.printf(Locale.ROOT, "  measures: ε=%g, %d random directions, %d ascent steps, %d power"
                        + " iterations, %d Hutchinson samples%n", snapshots.epsilon(), snapshots.sharpnessK(),
                snapshots.ascentSteps(), snapshots.hessianIterations(), snapshots.hutchinson());
        System.out.println("  store: " + storePath.toAbsolutePath() + "; report: " + out.toAbsolutePath());

        DataSet train = FashionModels.train(trainN);
        DataSet heldOut = FashionModels.test(probe);
        long start = System.nanoTime();
        StudyRecord result;
        String master = a.get("spark", "");
        try (LandscapeStore store = LandscapeStore.open(storePath)) {
            Study.Builder study = Study.builder(name).store(store).model(FashionModels.of(family, hidden))
                    .description(FashionModels.describe(family, hidden) + ", " + trainN + " training examples")
                    .data(train, heldOut).plan(plan).stopping(stopping).probeSize(probe).snapshots(snapshots)
                    .parallel(a.getInt("parallel", 1)).progress(System.out::println);
            result = master.isEmpty() ? study.build().run() : onSpark(master, study);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Path> files = new ArrayList<>(StudyReport.write(result, out));
        files.add(figure(result, out.resolve("study.png")));
        System.out.printf(Locale.ROOT, "%nstudy %s: %d runs, this session %.0f s%n", name, result.runs().size(),
                seconds);
        printTable(result);
        System.out.println("report: " + String.join(", ", files.stream().map(Path::toString).toList()));
        System.out.println("Study view: examples/ui.sh --store " + storePath + "  (then the Study link)");
    }

    /** The study with each run a Spark task on {@code master} ({@code landscape4j-spark}; Spark on the class path). */
    private static StudyRecord onSpark(String master, Study.Builder study) {
        try (io.github.landscape4j.spark.SparkJobs jobs = io.github.landscape4j.spark.SparkJobs.open(master)) {
            return study.runner(jobs.studyRunner()).build().run();
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("--spark " + master + ": Apache Spark is not on the class path ("
                    + e.getMessage() + "): run examples/study.sh, which adds it, or spark-submit", e);
        }
    }

    /** The measures the figure shows, when the study has them. */
    private static final List<String> SHOWN = List.of("sharpness_random_mean", "sharpness_eps", "sharpness_adaptive",
            "hessian_top", "hessian_trace", "probe_gradient_norm");

    /** Scatter panels of the main measures against the loss gap, one point per run, coloured by batch size. */
    private static Path figure(StudyRecord r, Path file) throws java.io.IOException {
        List<String> axes = r.axes().entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(java.util.Map.Entry::getKey).toList();
        String colour = axes.contains("batch") ? "batch" : axes.isEmpty() ? "seed" : axes.get(0);
        java.awt.Color[] colours = {Figure.BLUE, Figure.ORANGE, Figure.GREEN, Figure.RED, Figure.PURPLE, Figure.GREY};
        StudyAnswer answer = StudyAnswer.of(r);
        List<Figure.Panel> panels = new ArrayList<>();
        for (String key : SHOWN) {
            StudyRecord.Correlation c = r.correlations().stream()
                    .filter(x -> x.measure().equals(key) && x.gap().equals("gap")).findFirst().orElse(null);
            if (c == null) {
                continue;
            }
            MeasureDescriptor d = r.measures().stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
            String label = d == null ? key : d.label() + (d.unit().isEmpty() ? "" : " [" + d.unit() + "]");
            double holm = answer.holmP(c);
            Figure.Panel panel = new Figure.Panel(String.format(Locale.ROOT, "τ %.2f (Holm p %s), ρ %.2f, n %d",
                    c.tau(), holm < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", holm), c.rho(), c.n()),
                    label, "loss gap (val − train) [" + (d == null ? "loss" : lossUnit(r)) + "]", false);
            String errorKey = d == null ? "" : d.errorKey();
            List<String> values = r.axes().getOrDefault(colour, List.of());
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                List<StudyRecord.Run> runs = r.runs().stream().filter(run -> v.equals(run.settings().get(colour)))
                        .toList();
                // ±2 standard errors, the page's convention
                panel.points(colour + " " + v, runs.stream().mapToDouble(run -> run.measure(key)).toArray(),
                        runs.stream().mapToDouble(run -> run.measure("gap")).toArray(), colours[i % colours.length],
                        errorKey.isEmpty() ? null : runs.stream().mapToDouble(run -> 2 * run.measure(errorKey))
                                .toArray(), runs.stream().mapToDouble(run -> 2 * run.measure("gap_se")).toArray());
            }
            panels.add(panel);
        }
        Figure.write(file, "Study " + r.name() + ": " + r.runs().size() + " runs, final-point measures against the"
                + " loss gap; bars ±2 standard errors; p Holm-corrected", 3, panels);
        return file;
    }

    /** The unit of the study's losses, from its train-loss descriptor. */
    private static String lossUnit(StudyRecord r) {
        return r.measures().stream().filter(m -> m.key().equals("train_loss")).map(MeasureDescriptor::unit)
                .filter(u -> !u.isEmpty()).findFirst().orElse("loss");
    }

    /** The answer, then the correlations with the loss gap, strongest first (measures with values only). */
    private static void printTable(StudyRecord r) {
        StudyAnswer answer = StudyAnswer.of(r);
        System.out.println("answer (" + answer.correction() + "):");
        answer.verdicts().forEach(v -> System.out.printf(Locale.ROOT, "  %s vs %s: %s (tau %.2f, Holm p %.3f)%n",
                v.measure(), v.gap().equals("gap") ? "loss gap" : "accuracy gap", v.finding(), v.tau(), v.holmP()));
        answer.warnings().forEach(w -> System.out.println("  warning: " + w));
        System.out.println("measure vs loss gap             n      tau   p(tau)  Holm p      rho   p(rho)  scale-inv.");
        r.correlations().stream().filter(c -> c.gap().equals("gap") && c.n() > 0)
                .sorted(Comparator.comparingDouble((StudyRecord.Correlation c) -> -Math.abs(
                        Double.isNaN(c.tau()) ? 0 : c.tau())))
                .forEach(c -> System.out.printf(Locale.ROOT, "%-28s %4d %8.3f %8.4f %7.4f %8.3f %8.4f  %s%n",
                        c.measure(), c.n(), c.tau(), c.tauP(), answer.holmP(c), c.rho(), c.rhoP(),
                        c.scaleInvariant() ? "yes" : "no"));
    }

    private static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] doubles(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }
}
