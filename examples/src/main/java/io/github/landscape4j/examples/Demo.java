package io.github.landscape4j.examples;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.ui.LandscapeUi;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The live demo: trains the Fashion-MNIST MLP (784-100-10) with the landscape listener, serves the live Landscape
 * page while it trains (the URL is printed first), prints where the store is and what it holds, and keeps serving
 * until Ctrl-C. Arguments: {@code --store PATH} (default runs/demo.db), {@code --epochs N} (default 2),
 * {@code --max-iterations N} (default: no limit), {@code --port N} (default 9000, 0: any free port),
 * {@code --serve true|false} (keep serving after training; default true), {@code --snapshot SCHEDULE} (default
 * {@code every:N} with N so that about {@value #SNAPSHOTS} snapshots are spread evenly over the run, plus the final
 * one; see the {@code snapshot} option). DL4J's own {@code StatsListener} writes to the same store, so DL4J's
 * training pages ({@code /train}) show the run too. At the end it prints how long training took and what share of
 * that went to snapshots.
 */
public final class Demo {
    /** Snapshots the default schedule spreads over the run (the final one comes on top). */
    static final int SNAPSHOTS = 7;

    public static void main(String[] argv) throws Exception {
        try {
            run(argv);
        } catch (IllegalArgumentException e) { // bad arguments: one line naming them, no stack trace
            System.err.println("demo.sh: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("store", "epochs", "max-iterations", "port", "serve", "snapshot"));
        Path storePath = Path.of(args.get("store", "runs/demo.db"));
        int epochs = args.getInt("epochs", 2);
        int maxIterations = args.getInt("max-iterations", Integer.MAX_VALUE);
        int port = args.getInt("port", 9000);
        String snapshotArg = args.get("snapshot", "");
        String serveArg = args.get("serve", "true");
        if (!serveArg.equals("true") && !serveArg.equals("false")) {
            throw new IllegalArgumentException("--serve must be true or false, was '" + serveArg + "'");
        }
        boolean serve = Boolean.parseBoolean(serveArg);

        List<DataSet> train = FashionMnist.train(60_000, 128);
        List<DataSet> test = FashionMnist.test(10_000, 1000);
        long planned = Math.min((long) epochs * train.size(), maxIterations);
        // evenly spaced by default: a time-lapse worth playing, the first snapshot early
        String snapshot = snapshotArg.isEmpty() ? "every:" + Math.max(1, planned / SNAPSHOTS) : snapshotArg;
        MultiLayerNetwork net = Mlp.create(42);
        // the demo owns the store, so the page can keep reading it after training
        LandscapeStore store = LandscapeStore.open(storePath);
        try {
            long t0 = System.nanoTime();
            String runId = train(net, store, train, test, epochs, maxIterations, port, snapshot);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Evaluation eval = net.evaluate(new ExistingDataSetIterator(test));
            System.out.printf("test accuracy %.4f%n", eval.accuracy());
            report(store, storePath, runId);
            double snapshotSeconds = store.snapshots(runId).stream()
                    .mapToDouble(x -> x.timingsMillis().getOrDefault("total", 0.0)).sum() / 1000;
            System.out.printf("training took %.1f s with %d snapshots (snapshot=%s); snapshots took %.1f s, %.0f%% of"
                    + " it%n", seconds, store.snapshotCount(runId), snapshot, snapshotSeconds,
                    100 * snapshotSeconds / seconds);
            if (serve) {
                System.out.println("training done; the live page stays at " + LandscapeUi.url().orElse("?")
                        + " until Ctrl-C");
                Runtime.getRuntime().addShutdownHook(new Thread(store::close, "demo-store-close"));
                new CountDownLatch(1).await(); // until Ctrl-C
            }
        } finally {
            if (!serve) {
                store.close();
            }
        }
    }

    /** Trains with the listener, which starts the live page ({@code ui(port)}); returns the run id. */
    private static String train(MultiLayerNetwork net, LandscapeStore store, List<DataSet> train,
                                List<DataSet> test, int epochs, int maxIterations, int port, String snapshot) {
        // snapshots sized for a demo: 1,000-example probes (train, and test data as validation), a 15x15 grid,
        // no per-tensor measures; about a third of the wall time goes to snapshots so the page fills up quickly
        try (LandscapeListener landscape = LandscapeListener.builder().store(store).runName("fashion-mlp")
                .tags("demo", "fashion-mnist").validation(test.get(0)).probeSize(1000).grid(15)
                .perTensorMeasures(false).hutchinson(5).snapshot(snapshot).ui(port).build()) {
            // DL4J's own StatsListener on the same store: DL4J's pages (/train) show the run beside the Landscape page
            net.setListeners(landscape, new StatsListener(store.statsStorage(), 10), new ScoreIterationListener(100));
            int iterations = 0;
            outer:
            for (int e = 0; e < epochs; e++) {
                for (DataSet batch : train) {
                    if (iterations++ >= maxIterations) {
                        break outer;
                    }
                    net.fit(batch);
                }
                net.incrementEpochCount();
            }
            return landscape.runs().get(0).runId();
        }
    }

    private static void report(LandscapeStore store, Path storePath, String runId) {
        System.out.println("store: " + storePath.toAbsolutePath());
        for (RunInfo run : store.listRuns()) {
            ScalarSeries s = store.scalars(run.runId());
            List<Checkpoint> cps = store.checkpoints(run.runId());
            int last = s.size() - 1;
            System.out.printf("run %s%s: %s, %,d parameters in %d tensors, %d iterations recorded,"
                            + " %d checkpoints%n", run.runId(), run.runId().equals(runId) ? " (this one)" : "",
                    run.modelClass(), run.numParams(), run.tensors().size(), s.size(), cps.size());
            if (last >= 0) {
                System.out.printf("  last iteration %d: score %.4f, gradient norm %.4f, update norm %.5f,"
                                + " weight norm %.3f, learning rate %g%n", s.iteration()[last], s.score()[last],
                        s.gradientNorm()[last], s.updateNorm()[last], s.weightNorm()[last],
                        s.learningRate()[last]);
            }
        }
    }
}
