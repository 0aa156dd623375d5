package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener records whatever fit loop drives the model, and gives each model its own run. */
class FitLoopsTest {

    @TempDir
    Path dir;

    @Test
    void computationGraphWithFitDataSetLoop() {
        ComputationGraph g = TestNets.graph();
        List<DataSet> data = TestNets.data(7, 8, 20, 9);
        try (LandscapeListener l = LandscapeListener.builder().store(dir.resolve("cg.db")).build()) {
            g.setListeners(l);
            for (DataSet d : data) {
                g.fit(d);
            }
            l.flush();
            RunInfo run = l.runs().get(0);
            assertThat(run.modelClass()).isEqualTo("ComputationGraph");
            assertThat(run.tensors()).extracting(t -> t.name()).contains("a_W", "b_W", "out_W");
            ScalarSeries s = l.store().orElseThrow().scalars(run.runId());
            assertThat(s.iteration()).containsExactly(0, 1, 2, 3, 4, 5, 6);
            assertThat(s.gradientNormByTensor()).containsKeys("a_W", "out_b");
            // per-tensor norms on every 10th row (tensorEvery default), NaN between; global norms on every row
            double[] aW = s.gradientNormByTensor().get("a_W");
            assertThat(aW[0]).isPositive();
            assertThat(aW[1]).isNaN();
            assertThat(s.weightNormByTensor().get("out_W")[3]).isNaN();
            assertThat(s.gradientNorm()[3]).isPositive();
            assertThat(s.updateNorm()[3]).isPositive();
        }
    }

    @Test
    void earlyStoppingTrainerAndTwoModelsInOneStore() {
        Path file = dir.resolve("es.db");
        List<DataSet> data = TestNets.data(4, 8, 20, 10);
        try (LandscapeStore store = LandscapeStore.open(file)) {
            LandscapeListener listener = LandscapeListener.builder().store(store).runName("es").build();
            MultiLayerNetwork net = TestNets.mlpSgd(0.1);
            net.setListeners(listener);
            EarlyStoppingConfiguration<MultiLayerNetwork> esConf = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                    .epochTerminationConditions(new MaxEpochsTerminationCondition(3))
                    .scoreCalculator(new DataSetLossCalculator(new ExistingDataSetIterator(data), true))
                    .modelSaver(new InMemoryModelSaver<>())
                    .build();
            EarlyStoppingResult<MultiLayerNetwork> result =
                    new EarlyStoppingTrainer(esConf, net, new ExistingDataSetIterator(data)).fit();
            assertThat(result.getTotalEpochs()).isEqualTo(3);

            MultiLayerNetwork second = TestNets.mlpSgd(0.2);
            second.setListeners(listener);
            TestNets.train(second, data, 1);
            listener.close();

            List<RunInfo> runs = store.listRuns();
            assertThat(runs).hasSize(2).extracting(RunInfo::name).containsOnly("es");
            assertThat(runs.get(0).runId()).isNotEqualTo(runs.get(1).runId());
            ScalarSeries first = store.scalars(runs.get(0).runId());
            assertThat(first.size()).isEqualTo(12);
            assertThat(first.epoch()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
            assertThat(store.scalars(runs.get(1).runId()).size()).isEqualTo(4);
            List<Checkpoint> cps = store.checkpoints(runs.get(1).runId());
            assertThat(cps.get(cps.size() - 1).params()).containsExactly(second.params().toFloatVector());
        }
    }
}
