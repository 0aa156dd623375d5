package io.github.landscape4j.examples;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The live demo: trains the Fashion-MNIST MLP (784-100-10) with the landscape listener and prints where the store
 * is and what it holds. Arguments: {@code --store PATH} (default runs/demo.db), {@code --epochs N} (default 2),
 * {@code --max-iterations N} (default: no limit).
 */
public final class Demo {
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("store", "epochs", "max-iterations"));
        Path storePath = Path.of(args.get("store", "runs/demo.db"));
        int epochs = args.getInt("epochs", 2);
        int maxIterations = args.getInt("max-iterations", Integer.MAX_VALUE);

        List<DataSet> train = FashionMnist.train(60_000, 128);
        List<DataSet> test = FashionMnist.test(10_000, 1000);
        MultiLayerNetwork net = Mlp.create(42);
        String runId;
        try (LandscapeListener landscape = LandscapeListener.builder().store(storePath).runName("fashion-mlp")
                .tags("demo", "fashion-mnist").build()) {
            net.setListeners(landscape, new ScoreIterationListener(100));
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
            runId = landscape.runs().get(0).runId();
        }
        Evaluation eval = net.evaluate(new ExistingDataSetIterator(test));
        System.out.printf("test accuracy %.4f%n", eval.accuracy());

        try (LandscapeStore store = LandscapeStore.openExisting(storePath)) {
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
}
