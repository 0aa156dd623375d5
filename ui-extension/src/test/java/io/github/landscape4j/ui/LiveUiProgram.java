package io.github.landscape4j.ui;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.List;

/**
 * A training program with the live page on, as a user writes it: {@code LiveUiProgram STORE ITERATIONS return|throw
 * [close|keep]}. The listener with {@code ui(0)} starts the UI server; main ends normally ({@code return}) or with an
 * exception ({@code throw}), having closed the listener ({@code close}) or not. It prints the page's URL and then
 * {@code main ends} last.
 */
public final class LiveUiProgram {
    private LiveUiProgram() {
    }

    public static void main(String[] args) {
        MultiLayerNetwork net = TestNets.mlp(new Adam(0.01), 1.0);
        List<DataSet> batches = TestNets.data(Integer.parseInt(args[1]), 16, 20, TestNets.SEED);
        LandscapeListener listener = LandscapeListener.builder().store(Path.of(args[0])).runName("live")
                .snapshot("off").ui(0).build();
        net.setListeners(listener);
        for (DataSet b : batches) {
            net.fit(b);
        }
        System.out.println("page " + LandscapeUi.url().orElseThrow());
        if (args.length < 4 || args[3].equals("close")) {
            listener.close();
        }
        System.out.println("main ends");
        if (args[2].equals("throw")) {
            throw new IllegalStateException("the program's own failure");
        }
    }
}
