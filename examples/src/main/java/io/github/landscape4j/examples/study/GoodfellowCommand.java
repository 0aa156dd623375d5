package io.github.landscape4j.examples.study;

import io.github.landscape4j.examples.Args;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyPlan;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code examples/goodfellow.sh}: two observations on one run of the Fashion-MNIST MLP (SGD with momentum). (1) The
 * gradient norm grows while the loss falls (seen in the run's recorded scalars: the per-iteration minibatch loss and
 * gradient norm, smoothed over windows). (2) Goodfellow, Vinyals, Saxe (ICLR 2015): the loss along the straight line
 * from the initial to the final parameters falls monotonically. Writes {@code goodfellow.csv},
 * {@code goodfellow.md} and {@code goodfellow.png} under {@code --out}.
 */
public final class GoodfellowCommand {
    private static final Set<String> KNOWN = Set.of("out", "train", "probe", "epochs", "batch", "lr", "hidden",
            "seed", "points");

    private GoodfellowCommand() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, KNOWN, Set.of("quick"));
        boolean quick = a.flag("quick");
        Path out = Path.of(a.get("out", quick ? "runs/goodfellow-quick" : "runs/goodfellow"));
        int trainN = a.getInt("train", quick ? 1024 : 8192);
        int probeN = a.getInt("probe", quick ? 256 : 1000);
        int epochs = a.getInt("epochs", quick ? 2 : 5);
        int batch = a.getInt("batch", 64);
        int hidden = a.getInt("hidden", 100);
        int points = a.getInt("points", quick ? 11 : 41);
        double lr = Double.parseDouble(a.get("lr", "0.01"));
        long seed = a.getInt("seed", 1);
        DataSet train = FashionModels.train(trainN);
        DataSet test = FashionModels.test(probeN);
        System.out.printf(Locale.ROOT, "Goodfellow et al. 2015 / gradient norm: %s, SGD momentum 0.9 lr %s, batch %d,"
                + " %d epochs on %d examples, seed %d%n", FashionModels.describe("mlp", hidden), lr, batch, epochs,
                trainN, seed);
        long start = System.nanoTime();
        RunSettings settings;
        ScalarSeries s;
        INDArray initial;
        INDArray last;
        try (LandscapeStore store = LandscapeStore.open(out.resolve("goodfellow.db"))) {
            StudyPlan plan = StudyPlan.builder().seeds(seed).batchSizes(batch).optimizers(Optimizer.SGD_MOMENTUM)
                    .learningRates(lr).epochs(epochs).grid();
            settings = plan.runs().get(0);
            StudyRecord study = Study.builder("goodfellow").store(store).model(FashionModels.of("mlp", hidden))
                    .description(FashionModels.describe("mlp", hidden)).data(train, test).plan(plan)
                    .probeSize(probeN).snapshots(KeskarCommand.epsilonOnly(1e-3)).progress(System.out::println)
                    .build().run();
            String runId = study.runs().get(0).runId();
            s = store.scalars(runId);
            initial = checkpoint(store, runId, Checkpoint.Kind.INITIAL);
            last = checkpoint(store, runId, Checkpoint.Kind.FINAL);
        }
        // (1) loss and gradient norm over training, averaged over 20 windows
        int windows = Math.min(20, s.size());
        double[] it = new double[windows];
        double[] loss = new double[windows];
        double[] grad = new double[windows];
        for (int w = 0; w < windows; w++) {
            int from = w * s.size() / windows;
            int to = (w + 1) * s.size() / windows;
            for (int i = from; i < to; i++) {
                it[w] += s.iteration()[i];
                loss[w] += s.score()[i];
                grad[w] += s.gradientNorm()[i];
            }
            it[w] /= to - from;
            loss[w] /= to - from;
            grad[w] /= to - from;
        }
        double[] iterations = Arrays.stream(s.iteration()).asDoubleStream().toArray();
        double rhoLoss = new SpearmansCorrelation().correlation(iterations, s.score());
        double rhoGrad = new SpearmansCorrelation().correlation(iterations, s.gradientNorm());
        // after the first tenth: the early drop of the gradient norm at the start of training left out
        int skip = s.size() / 10;
        double[] lateIt = Arrays.copyOfRange(iterations, skip, s.size());
        double rhoLossLate = new SpearmansCorrelation().correlation(lateIt, Arrays.copyOfRange(s.score(), skip,
                s.size()));
        double rhoGradLate = new SpearmansCorrelation().correlation(lateIt, Arrays.copyOfRange(s.gradientNorm(),
                skip, s.size()));
        // (2) the straight line from the initial to the final parameters
        MultiLayerNetwork net = FashionModels.mlp(settings, hidden);
        double[] alpha = new double[points];
        double[] lineTrain = new double[points];
        double[] lineTest = new double[points];
        DataSet trainProbe = KeskarCommand.head(train, probeN);
        INDArray dir = last.sub(initial);
        int rises = 0;
        double biggestRise = 0;
        for (int k = 0; k < points; k++) {
            alpha[k] = (double) k / (points - 1);
            net.setParams(initial.add(dir.mul(alpha[k])).reshape(net.params().shape()));
            lineTrain[k] = net.score(trainProbe);
            lineTest[k] = net.score(test);
            if (k > 0 && lineTrain[k] > lineTrain[k - 1]) {
                rises++;
                biggestRise = Math.max(biggestRise, lineTrain[k] - lineTrain[k - 1]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder csv = new StringBuilder("part,x,train_loss,test_loss,gradient_norm\n");
        for (int w = 0; w < windows; w++) {
            csv.append(String.format(Locale.ROOT, "training,%.1f,%.6f,,%.6f%n", it[w], loss[w], grad[w]));
        }
        for (int k = 0; k < points; k++) {
            csv.append(String.format(Locale.ROOT, "line,%.4f,%.6f,%.6f,%n", alpha[k], lineTrain[k], lineTest[k]));
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("goodfellow.csv"), csv.toString());
        String md = String.format(Locale.ROOT, "| | first 5%% of iterations | last 5%% | Spearman ρ with the"
                        + " iteration | ρ after the first 10%% |%n|---|---|---|---|---|%n"
                        + "| minibatch loss | %.4f | %.4f | %.3f | %.3f |%n"
                        + "| gradient norm | %.4f | %.4f | %.3f | %.3f |%n%n"
                        + "Initial → final line, %d points: train-probe loss %.4f → %.4f, %d rises between"
                        + " neighbouring points (largest %.2g); test-probe loss %.4f → %.4f.%n%nTook %.0f s.%n",
                loss[0], loss[windows - 1], rhoLoss, rhoLossLate, grad[0],
                grad[windows - 1], rhoGrad, rhoGradLate, points, lineTrain[0], lineTrain[points - 1], rises,
                biggestRise, lineTest[0], lineTest[points - 1], seconds);
        Files.writeString(out.resolve("goodfellow.md"), "# Gradient norm and the initial-to-final line\n\n" + md);
        Figure.write(out.resolve("goodfellow.png"), "One run of the Fashion-MNIST MLP (SGD momentum): minibatch loss"
                + " and gradient norm over training (means of 20 windows); the initial-to-final line", 3, List.of(
                new Figure.Panel("minibatch loss", "iteration", "loss", true)
                        .line("", it, loss, Figure.BLUE, false),
                new Figure.Panel("gradient norm", "iteration", "‖g‖", false)
                        .line("", it, grad, Figure.ORANGE, false),
                new Figure.Panel("θ0 + α(θ_final − θ0)", "α", "loss", true)
                        .line("train", alpha, lineTrain, Figure.BLUE, false)
                        .line("test", alpha, lineTest, Figure.RED, true)));
        System.out.print(md);
        System.out.println("wrote " + out.resolve("goodfellow.csv") + ", " + out.resolve("goodfellow.md") + ", "
                + out.resolve("goodfellow.png"));
    }

    private static INDArray checkpoint(LandscapeStore store, String runId, Checkpoint.Kind kind) {
        return Nd4j.create(store.checkpoints(runId).stream().filter(c -> c.kind() == kind).findFirst()
                .orElseThrow(() -> new IllegalStateException("run " + runId + " has no " + kind + " checkpoint"))
                .params());
    }
}
