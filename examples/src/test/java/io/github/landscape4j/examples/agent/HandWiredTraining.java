package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.PlainTraining;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.api.Model;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * {@link PlainTraining} with the listener added by hand, the way the agent adds it: one shared store, one
 * listener per model, after the program's own listeners, added again whenever the program replaces its list. {@code HandWiredTraining STORE ITERATIONS}.
 */
public final class HandWiredTraining {

    private HandWiredTraining() {
    }

    public static void main(String[] args) throws Exception {
        Map<Model, LandscapeListener> listeners = new IdentityHashMap<>();
        try (LandscapeStore store = LandscapeStore.open(Path.of(args[0]))) {
            PlainTraining.train(Integer.parseInt(args[1]), false, System.out, model -> model.addListeners(
                    listeners.computeIfAbsent(model,
                            m -> LandscapeListener.builder().runName("hand").store(store).build())));
            listeners.values().forEach(LandscapeListener::close);
        }
    }
}
