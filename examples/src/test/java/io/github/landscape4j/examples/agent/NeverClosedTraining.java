package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.PlainTraining;
import io.github.landscape4j.listener.LandscapeListener;

import java.nio.file.Path;

/**
 * A program that adds the listener by hand and never closes it: {@code NeverClosedTraining STORE ITERATIONS}.
 * Everything must still reach the store through the listener's JVM-exit path.
 */
public final class NeverClosedTraining {
    private NeverClosedTraining() {
    }

    public static void main(String[] args) throws Exception {
        LandscapeListener listener = LandscapeListener.builder().runName("unclosed").store(Path.of(args[0]))
                .commitEvery(1_000_000).commitMillis(3_600_000).snapshot("off").build(); // nothing committed early
        PlainTraining.train(Integer.parseInt(args[1]), false, System.out, model -> {
            if (model instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork) {
                model.addListeners(listener);
            }
        });
    }
}
