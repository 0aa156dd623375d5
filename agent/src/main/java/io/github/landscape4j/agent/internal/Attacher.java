package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.engine.PluginScope;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Internal: adds one {@link LandscapeListener} to each model the hook reports, once, after the model's own
 * listeners. Every model's listener writes to the one store ({@link StoreOpener}); at JVM exit the listener module
 * ends the runs first, then closes the store. Models and listeners are held weakly here (a listener identifies by
 * identity: {@code LandscapeListener} keeps {@code Object}'s {@code equals}), so a model the program drops is
 * collected and its run ends.
 */
public final class Attacher {

    private static final Object LOCK = new Object();
    /** The listeners the agent made, held weakly: each lives as long as its model (which holds it). */
    private static final Set<Object> OURS = Collections.newSetFromMap(new WeakHashMap<>()); // guarded by LOCK
    private static final WeakIdentityMap MODELS = new WeakIdentityMap(); // model -> its listener; guarded by LOCK
    /** Models given a listener so far: the next run's number. */
    private static int runs; // guarded by LOCK

    private Attacher() {
    }

    /** Called after a model's {@code init(...)} or {@code setListeners(...)}; adds our listener if it is missing. */
    public static void attach(Object model) {
        AgentOptions options = AgentOptions.installed();
        if (options == null || Faults.off() || PluginScope.active()) {
            return; // PluginScope: a private copy the landscape engine evaluates on, not a user's model
        }
        try {
            synchronized (LOCK) {
                Collection<TrainingListener> current = listeners(model);
                if (current == null) {
                    return;
                }
                Object present = current.stream().filter(OURS::contains).findFirst().orElse(null);
                if (present != null) {
                    // e.g. a clone that copied its original's list: that listener records it as its own run
                    MODELS.putIfAbsent(model, present);
                    return;
                }
                // a model seen before whose setListeners dropped our listener gets the same one back: one run
                Object listener = MODELS.get(model);
                if (listener == null) {
                    listener = LandscapeListener.builder().options(runOptions(options.listenerOptions()))
                            .store(StoreOpener::store).build();
                    OURS.add(listener);
                    MODELS.put(model, listener);
                }
                // addListeners calls setListeners, whose hook comes back here and finds the listener: no loop
                ((Model) model).addListeners((LandscapeListener) listener);
            }
        } catch (Throwable t) { // once only: a store that failed to open (ui=PORT opens it here) was reported
            Faults.report("attaching the listener to a " + model.getClass().getName(), t);
        }
    }

    /**
     * When the program's {@code main} returns normally: each live run's final snapshot
     * ({@link LandscapeListener#finalSnapshots()}); the runs stay open until their models are collected or the JVM
     * exits.
     */
    static void mainReturned() {
        if (AgentOptions.installed() == null || Faults.off()) {
            return;
        }
        java.util.List<Object> listeners;
        synchronized (LOCK) {
            listeners = new java.util.ArrayList<>(OURS);
        }
        for (Object l : listeners) {
            ((LandscapeListener) l).finalSnapshots();
        }
    }

    /** The options of the next run: named after the program's main class and the model's number, unless given. */
    private static java.util.Map<String, String> runOptions(java.util.Map<String, String> options) {
        runs++;
        if (options.containsKey(io.github.landscape4j.listener.ConfigOption.RUN.key())) {
            return options;
        }
        java.util.Map<String, String> named = new java.util.HashMap<>(options);
        named.put(io.github.landscape4j.listener.ConfigOption.RUN.key(),
                RunNames.forModel(System.getProperty("sun.java.command"), runs));
        return named;
    }

    private static Collection<TrainingListener> listeners(Object model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getListeners();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getListeners();
        }
        return null;
    }

}
