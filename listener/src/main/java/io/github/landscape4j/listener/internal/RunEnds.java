package io.github.landscape4j.listener.internal;

import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Internal: ends a run once its model has been collected. Each run's model is held through a {@link Watch} (a weak
 * reference); one daemon thread per JVM waits for collected models and ends their runs, which writes the final
 * checkpoint from the parameter buffer the run kept, commits and stops the run's writer thread. Until then the
 * watch keeps the run (not the model) alive.
 */
public final class RunEnds {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final ReferenceQueue<Model> COLLECTED = new ReferenceQueue<>();
    private static final Set<Watch> LIVE = ConcurrentHashMap.newKeySet();
    private static Thread reaper; // guarded by RunEnds.class

    private RunEnds() {
    }

    /** A run's weak hold on its model. */
    public static final class Watch extends WeakReference<Model> {
        private final RunRecorder run;

        private Watch(Model model, RunRecorder run) {
            super(model, COLLECTED);
            this.run = run;
        }

        /** The run ended otherwise (closed): no longer watched. */
        void forget() {
            LIVE.remove(this);
            clear();
        }
    }

    /** Watches {@code model}: when it is collected, {@code run} ends. */
    static Watch watch(Model model, RunRecorder run) {
        startReaper();
        Watch w = new Watch(model, run);
        LIVE.add(w);
        return w;
    }

    private static synchronized void startReaper() {
        if (reaper == null) {
            reaper = new Thread(RunEnds::reap, "landscape4j-run-ends");
            reaper.setDaemon(true);
            reaper.start();
        }
    }

    private static void reap() {
        while (true) {
            Watch w;
            try {
                w = (Watch) COLLECTED.remove();
            } catch (InterruptedException e) {
                return;
            }
            if (LIVE.remove(w)) {
                try {
                    w.run.end(RunRecorder.End.MODEL_COLLECTED);
                } catch (RuntimeException | Error e) {
                    LOG.warn("landscape4j: ending run {} after its model was collected failed", w.run.runId(), e);
                }
            }
        }
    }
}
