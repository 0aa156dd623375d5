package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.PlainTraining;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PlainTraining} with the listener added by hand, the way the agent adds it: one shared store, one
 * listener per model, after the program's own listeners. {@code HandWiredTraining STORE ITERATIONS}.
 */
public final class HandWiredTraining {

    private HandWiredTraining() {
    }

    public static void main(String[] args) throws Exception {
        List<LandscapeListener> listeners = new ArrayList<>();
        try (LandscapeStore store = LandscapeStore.open(Path.of(args[0]))) {
            PlainTraining.train(Integer.parseInt(args[1]), false, System.out, model -> {
                LandscapeListener l = LandscapeListener.builder().runName("hand").store(store).build();
                listeners.add(l);
                model.addListeners(l);
            });
            listeners.forEach(LandscapeListener::close);
        }
    }
}
