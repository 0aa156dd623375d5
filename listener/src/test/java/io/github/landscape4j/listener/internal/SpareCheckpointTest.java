package io.github.landscape4j.listener.internal;

import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Periodic checkpoints fill copies the writer's thread made ahead (a fresh array page-faults on the training
 * thread), also the one that thins a full keeper, and the copies stay within the budget: the keeper's, plus one.
 */
class SpareCheckpointTest {

    @Test
    void periodicCheckpointsFillCopiesMadeAheadAlsoWhenTheKeeperThins() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).build()).build());
        net.init();
        StoreWriter writer = new StoreWriter(new InMemoryStatsStorage(), "spare", "w0", List.of(), 10, 60_000, 0,
                t -> { });
        try {
            int max = 4;
            RunCheckpoints checkpoints = new RunCheckpoints(writer, 1, max, net.numParams(), Long.MAX_VALUE, "spare");
            checkpoints.initial(net, 0);
            for (int i = 1; i <= max; i++) {
                writer.flush(); // the copy made ahead is in place
                INDArray prepared = checkpoints.spares().peek();
                assertThat(prepared).as("a copy made ahead of checkpoint %d", i).isNotNull();
                net.params().addi(1); // parameters move between checkpoints
                checkpoints.afterIteration(net, i, 0);
                CheckpointKeeper.Kept last = checkpoints.kept().get(checkpoints.kept().size() - 1);
                assertThat(last.params()).isSameAs(prepared);
                assertThat(last.params()).isEqualTo(net.params());
            }
            writer.flush();
            // the keeper is full: its next checkpoint, which thins it, fills a copy made ahead too (one, as many as
            // the fresh copy it would otherwise allocate on the training thread, the budget's one extra copy)
            assertThat(checkpoints.spares()).hasSize(1);
            assertThat(checkpoints.kept().size() + checkpoints.spares().size()).isEqualTo(max + 1);
            INDArray prepared = checkpoints.spares().peek();
            net.params().addi(1);
            checkpoints.afterIteration(net, 2 * max, 0); // a multiple of twice the interval: kept by the thinning
            CheckpointKeeper.Kept last = checkpoints.kept().get(checkpoints.kept().size() - 1);
            assertThat(last.iteration()).isEqualTo(2 * max);
            assertThat(last.params()).isSameAs(prepared).isEqualTo(net.params());
            writer.flush();
            // the copies it dropped became the spares
            assertThat(checkpoints.spares()).isNotEmpty();
            assertThat(checkpoints.kept().size() + checkpoints.spares().size()).isLessThanOrEqualTo(max + 1);
        } finally {
            writer.close();
        }
    }

    @Test
    void fillCopiesWholeBuffersAndViews() {
        INDArray params = Nd4j.linspace(DataType.FLOAT, 1, 100, 1);
        INDArray copy = Nd4j.create(DataType.FLOAT, 100);
        assertThat(RunCheckpoints.fill(copy, params)).isSameAs(copy);
        assertThat(copy.toFloatVector()).containsExactly(params.toFloatVector());
        // a view into a longer buffer (offset, or a shorter length) is copied element by element
        INDArray view = Nd4j.linspace(DataType.FLOAT, 1, 120, 1).get(NDArrayIndex.interval(10, 110));
        RunCheckpoints.fill(copy, view);
        assertThat(copy.toFloatVector()).containsExactly(view.toFloatVector());
        INDArray head = Nd4j.linspace(DataType.FLOAT, 5, 120, 1).get(NDArrayIndex.interval(0, 100));
        RunCheckpoints.fill(copy, head);
        assertThat(copy.toFloatVector()).containsExactly(head.toFloatVector());
    }
}
