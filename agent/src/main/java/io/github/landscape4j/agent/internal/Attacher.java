package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Internal: adds one {@link LandscapeListener} to each model the advice reports, once. The store is opened on
 * the first model (not in {@code premain}) and shared by every model's listener; at JVM exit the listeners are
 * closed first, then the store.
 */
public final class Attacher {

    private static final Object LOCK = new Object();
    private static final Set<Object> OURS = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by LOCK
    private static LandscapeStore store; // guarded by LOCK

    private Attacher() {
    }

    /** Called after a model's {@code init(...)} or {@code setListeners(...)}; adds our listener if it is missing. */
    public static void attach(Object model) {
        AgentOptions options = AgentOptions.installed();
        if (options == null || Faults.off()) {
            return;
        }
        try {
            synchronized (LOCK) {
                Collection<TrainingListener> current = listeners(model);
                if (current == null || current.stream().anyMatch(OURS::contains)) {
                    return;
                }
                LandscapeListener listener = LandscapeListener.builder().options(options.listenerOptions())
                        .store(store(options)).build();
                OURS.add(listener);
                // addListeners calls setListeners, whose advice comes back here and finds the listener: no loop
                ((Model) model).addListeners(listener);
            }
        } catch (Throwable t) {
            Faults.report("attaching the listener to a " + model.getClass().getName(), t);
        }
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

    private static LandscapeStore store(AgentOptions options) {
        if (store == null) {
            store = LandscapeStore.open(options.store());
            MapDbShutdown.disarm(store.statsStorage());
            Runtime.getRuntime().addShutdownHook(new Thread(Attacher::closeAll, "landscape4j-agent-shutdown"));
        }
        return store;
    }

    private static void closeAll() {
        List<Object> listeners;
        LandscapeStore toClose;
        synchronized (LOCK) {
            listeners = new ArrayList<>(OURS);
            toClose = store;
        }
        for (Object l : listeners) {
            try {
                ((LandscapeListener) l).close(); // waits if the listener's own shutdown hook is closing it
            } catch (RuntimeException e) {
                Faults.report("closing a listener at exit", e);
            }
        }
        if (toClose == null) {
            return;
        }
        try {
            toClose.close();
        } catch (RuntimeException e) {
            Faults.report("closing the store " + toClose.description() + " at exit", e);
        }
    }
}
