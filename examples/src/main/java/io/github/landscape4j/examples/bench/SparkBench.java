package io.github.landscape4j.examples.bench;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.shard.PlaneShard;
import io.github.landscape4j.engine.shard.ShardEvaluator;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.spark.SparkJobs;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench.sh spark}: a model where a grid point's cost dominates (the Fashion-MNIST MLP 784-1000-1000-10 after 30
 * Adam steps, 1,000-example probe, one 51x51 random plane, nothing else), its snapshot by the engine in this JVM and
 * on Spark {@code local[1]} and {@code local[2]} side by side in one run (each path warmed once on a 5x5 grid first),
 * with {@code max_rel_error} between the engine's grid and Spark's (must be 0). From the measured parts it projects
 * the time on N executors: plan on the driver + rebuilding the network once per executor thread + (the rows'
 * evaluation + Spark's per-task cost × tasks) / N; the projection is checked against the measured {@code local[2]}.
 * Option {@code --grid N} (default 51).
 */
public final class SparkBench {
    public static void main(String[] args) throws Exception {
        int grid = args.length >= 2 && args[0].equals("--grid") ? Integer.parseInt(args[1]) : 51;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(1000).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(1000).nOut(1000).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(1000).nOut(10)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        List<DataSet> data = FashionMnist.train(3_840, 128);
        for (DataSet d : data) {
            net.fit(d);
        }
        Probe train = Probes.of(DataSet.merge(FashionMnist.train(1_000, 1_000)), 1_000, "first 1000 training examples");
        SnapshotRequest request = SnapshotRequest.of(train).at(0, data.size(), 1, 0);
        LandscapeEngine engine = engine(net, grid);
        LandscapeEngine warm = engine(net, 5);

        warm.snapshot(request);
        long t0 = System.nanoTime();
        Snapshot whole = engine.snapshot(request);
        double engineS = (System.nanoTime() - t0) / 1e9;

        double[] local = new double[2];
        double[] maxRel = new double[2];
        double[] start = new double[2];
        double planS = 0;
        double evalS = 0;
        double perTaskS = 0;
        double rebuildS = 0;
        int tasks = 0;
        for (int n = 1; n <= 2; n++) {
            int k = n - 1;
            long c0 = System.nanoTime();
            double[] r;
            try (SparkJobs sc = SparkJobs.open("local[" + n + "]")) {
                start[k] = (System.nanoTime() - c0) / 1e9;
                sc.snapshot(warm.plan(request), 0); // warm: JIT, the executors' first evaluators
                long p0 = System.nanoTime();
                ShardedSnapshot plan = engine.plan(request);
                double plan1 = (System.nanoTime() - p0) / 1e9;
                List<PlaneShard> shards = plan.shards(plan.rowsPerShard(sc.cores()));
                double empty = sc.emptyTasksSeconds(shards.size()); // Spark's own cost of these tasks
                long r0 = System.nanoTime();
                new ShardEvaluator(plan);
                double rebuild = (System.nanoTime() - r0) / 1e9;
                long s0 = System.nanoTime();
                Snapshot s = sc.snapshot(plan, 0);
                double tasksS = (System.nanoTime() - s0) / 1e9;
                double rowsS = s.timingsMillis().get("plane rows (sharded, summed)") / 1e3;
                r = new double[]{plan1 + tasksS, relError(whole, s), plan1, rowsS, empty / shards.size(),
                        shards.size(), rebuild};
            }
            local[k] = r[0];
            maxRel[k] = r[1];
            if (n == 1) {
                planS = r[2];
                evalS = r[3];
                perTaskS = r[4];
                tasks = (int) r[5];
                rebuildS = r[6];
            }
        }
        StringBuilder projected = new StringBuilder();
        for (int n : new int[]{2, 4, 8, 16, 32}) {
            double t = planS + rebuildS + (evalS + perTaskS * tasks) / n;
            projected.append(String.format(Locale.ROOT, "%s\"%d\":%.2f", projected.length() == 0 ? "" : ",", n,
                    engineS / t));
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"spark\",\"grid\":%d,\"params\":%d,\"probe\":1000,\"engine_s\":%.2f,"
                        + "\"spark_local1_s\":%.2f,\"spark_local2_s\":%.2f,\"local1_over_engine\":%.3f,"
                        + "\"local2_speedup\":%.2f,\"max_rel_error\":%s,\"context_start_s\":%.2f,\"plan_s\":%.2f,"
                        + "\"rows_eval_s\":%.2f,\"point_ms\":%.3f,\"tasks\":%d,\"per_task_s\":%.4f,"
                        + "\"rebuild_s\":%.3f,\"projected_local2_s\":%.2f,\"projected_speedup\":{%s}}",
                grid, net.numParams(), engineS, local[0], local[1], local[0] / engineS, engineS / local[1],
                Math.max(maxRel[0], maxRel[1]), start[0], planS, evalS, evalS * 1e3 / ((long) grid * grid), tasks,
                perTaskS, rebuildS, planS + rebuildS + (evalS + perTaskS * tasks) / 2, projected));
    }

    private static LandscapeEngine engine(MultiLayerNetwork net, int grid) {
        SnapshotConfig c = LandscapeConfig.parse(Map.of("grid", Integer.toString(grid), "planes", "random",
                "slices", "false", "sharpnessK", "0", "ascentSteps", "0", "hessianIterations", "0", "hutchinson", "0",
                "perTensorMeasures", "false")).snapshots();
        return LandscapeEngine.builder(net).config(c).seed(42).build();
    }

    /** Largest |a - b| / |a| over the train grids (0: bit for bit). */
    private static double relError(Snapshot a, Snapshot b) {
        double worst = 0;
        for (int p = 0; p < a.surfaces().size(); p++) {
            double[][] x = a.surfaces().get(p).trainLoss();
            double[][] y = b.surfaces().get(p).trainLoss();
            for (int j = 0; j < x.length; j++) {
                for (int i = 0; i < x[j].length; i++) {
                    worst = Math.max(worst, x[j][i] == y[j][i] ? 0 : Math.abs(x[j][i] - y[j][i]) / Math.abs(x[j][i]));
                }
            }
        }
        return worst;
    }
}
