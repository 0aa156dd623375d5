package io.github.landscape4j.listener;

import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

/**
 * A program for {@link ExitWhileRunsBeginTest}: trains one small model after another, each with a listener that is
 * never closed (as under the agent), on one store opened lazily and slowly (MapDB's first open on a loaded
 * machine); after the first model it calls {@code System.exit(0)} from another thread, and its main thread goes on
 * starting runs while the JVM's shutdown hooks run.
 *
 * <pre>RunsBegunDuringExit STORE_FILE</pre>
 */
public final class RunsBegunDuringExit {
    private static LandscapeStore store; // guarded by RunsBegunDuringExit.class

    private RunsBegunDuringExit() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        List<DataSet> data = TestNets.data(3, 16, 20, TestNets.SEED);
        for (int i = 0; ; i++) {
            MultiLayerNetwork net = TestNets.mlpSgd(0.1);
            net.setListeners(LandscapeListener.builder().store(() -> open(file)).runName("m" + i).commitEvery(1)
                    .checkpointEvery(1).snapshot("off").build());
            TestNets.train(net, data, 1);
            if (i == 0) {
                System.out.println("first model trained");
                new Thread(() -> System.exit(0), "exit").start();
            }
        }
    }

    /** The one store, opened on first use, slowly (as StoreOpener does under the agent). */
    private static synchronized LandscapeStore open(Path file) {
        if (store == null) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store = LandscapeStore.open(file);
        }
        return store;
    }
}
