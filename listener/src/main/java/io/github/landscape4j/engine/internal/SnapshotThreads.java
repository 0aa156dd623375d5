package io.github.landscape4j.engine.internal;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Internal: ND4J's and BLAS's thread counts, held by sections of work that must compute under one setting: a snapshot
 * under its own ({@link #use}), a study's training step under ND4J's ({@link #nd4jOwn}). The snapshot's: libnd4j's
 * "master threads", which its parallel loops use (its {@code maxThreads} cannot be lowered at run time), and
 * OpenBLAS's threads. On machines with few cores a snapshot's many small operations wait on ND4J's thread pool at
 * every step; one thread makes them faster (measured by {@code bench.sh snapshot}). Only on the CPU backend.
 *
 * <p>Why sections wait for each other rather than only count: the setting changes the numbers, not just the speed.
 * libnd4j cuts a reduction (a sum, a norm, a dot product) into as many partial sums as the setting says, and BLAS's
 * threads change how some matrix products add up, so the last bits of a loss or a norm differ between settings (a
 * snapshot's sharpness by up to 2e-4 relative, a training step's parameters in their last bits). Both settings are
 * JVM-wide: libnd4j's {@code Environment} and OpenBLAS's thread count have no per-thread variant ({@code
 * Nd4j.getEnvironment()} and {@code Nd4j.factory().blas()} offer none). Only counting the snapshots that share a
 * setting would let a snapshot asking for ND4J's own setting, or for another count, run under the first one's, and a
 * study run training on another thread (a study's {@code parallel}, Spark tasks in one executor) train under a
 * snapshot's setting while it lasts: the same run would give other numbers on two threads than alone.
 * So a section names the setting it needs and enters only while no section of another setting runs: sections of one
 * setting run together, sections of another wait, first come first served (so a stream of training steps cannot
 * starve a snapshot, nor a stream of snapshots a step). The setting is changed when the first section of it enters
 * and restored when its last one leaves; between sections ND4J has its own. Each section then computes as it would
 * alone, whatever runs beside it. The price is parallelism: in a study training two runs at once, one run's steps
 * pause while the other's snapshot runs (unless it takes its own snapshot meanwhile, which joins). A study that never
 * changed the setting (snapshots with ND4J's own threads) would be as repeatable, but its snapshots would take about
 * twice as long on small machines and its numbers would differ from those of the runs one after the other stored so
 * far. What takes no section (a model trained by the user's own code on another thread) still runs under a
 * snapshot's setting while it lasts.
 *
 * <p>A thread may nest sections: one of the setting the thread already holds joins it; one of another setting
 * suspends the thread's outer section until it ends (a training step that takes a snapshot is paused while it runs).
 * A section is closed on the thread that opened it. When the setting cannot be changed (not the CPU backend, or ND4J
 * refused), sections neither change nor wait.
 */
public final class SnapshotThreads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** The setting of a section that runs with ND4J's own thread counts. */
    private static final int OWN = 0;

    private static final Object LOCK = new Object();
    /** Sections waiting to enter, in arrival order. */
    private static final Deque<int[]> WAITING = new ArrayDeque<>();
    /** Per thread, the settings of the sections it has open, innermost first. */
    private static final ThreadLocal<Deque<Integer>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static int inForce = OWN;
    /** Threads inside a section of {@link #inForce}. */
    private static int holders;
    /** Whether ND4J's and BLAS's settings are changed now (restored when the last holder leaves). */
    private static boolean changed;
    private static int savedNd4j;
    private static int savedBlas;
    /** Null until known: whether the setting can be changed at all. */
    private static Boolean adjustable;
    private static boolean warned;

    private enum Kind { NONE, JOINED, ENTERED }

    private final int setting;
    private final Kind kind;
    /** The thread's outer section suspended for this one (entered again when it closes), or null. */
    private final Integer suspended;
    private final Thread owner;
    private boolean closed;

    private SnapshotThreads(int setting, Kind kind, Integer suspended) {
        this.setting = setting;
        this.kind = kind;
        this.suspended = suspended;
        this.owner = Thread.currentThread();
    }

    /**
     * A snapshot's section: ND4J's and BLAS's threads set to {@code threads} until {@link #close()} ({@code 0}: ND4J's
     * own setting, which it then keeps for the section's time). Waits while sections of another setting run.
     */
    public static SnapshotThreads use(int threads) {
        int wanted = Math.max(threads, OWN);
        if (!adjustable()) {
            return new SnapshotThreads(wanted, Kind.NONE, null);
        }
        Deque<Integer> open = OPEN.get();
        Integer outer = open.peek();
        if (outer != null && outer == wanted) {
            open.push(wanted);
            return new SnapshotThreads(wanted, Kind.JOINED, null);
        }
        if (outer != null) {
            leave();
        }
        enter(wanted);
        open.push(wanted);
        return new SnapshotThreads(wanted, Kind.ENTERED, outer);
    }

    /**
     * A section of work that must compute with ND4J's own thread setting, e.g. a study's training step: waits while a
     * snapshot with another setting runs, and keeps snapshots from changing the setting until {@link #close()}.
     */
    public static SnapshotThreads nd4jOwn() {
        return use(OWN);
    }

    @Override
    public void close() {
        if (closed || kind == Kind.NONE) {
            closed = true;
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("thread section of setting " + setting + " opened on " + owner.getName()
                    + " closed on " + Thread.currentThread().getName());
        }
        closed = true;
        OPEN.get().pop();
        if (kind == Kind.ENTERED) {
            leave();
            if (suspended != null) {
                enter(suspended);
            }
        }
    }

    private static boolean adjustable() {
        synchronized (LOCK) {
            if (adjustable == null) {
                try {
                    adjustable = Nd4j.getEnvironment().isCPU();
                } catch (RuntimeException | LinkageError e) {
                    refused(e);
                }
            }
            return adjustable;
        }
    }

    /** Waits for its turn and for the setting to be free or {@code wanted}, then holds it. */
    private static void enter(int wanted) {
        synchronized (LOCK) {
            int[] ticket = {wanted};
            WAITING.addLast(ticket);
            boolean interrupted = false;
            try {
                while (adjustable && !mayEnter(ticket)) {
                    try {
                        LOCK.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // holders always leave (in finally blocks): wait on, keep the interrupt
                    }
                }
            } finally {
                WAITING.remove(ticket);
                LOCK.notifyAll();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (holders == 0) {
                inForce = wanted;
                if (wanted != OWN && adjustable) {
                    change(wanted);
                }
            }
            holders++;
        }
    }

    /** The setting is free or the one wanted, and every section that came earlier wants the same. */
    private static boolean mayEnter(int[] ticket) {
        if (holders > 0 && inForce != ticket[0]) {
            return false;
        }
        for (int[] earlier : WAITING) {
            if (earlier == ticket) {
                return true;
            }
            if (earlier[0] != ticket[0]) {
                return false;
            }
        }
        return true;
    }

    private static void leave() {
        synchronized (LOCK) {
            if (--holders == 0 && changed) {
                changed = false;
                try {
                    Nd4j.getEnvironment().setMaxMasterThreads(savedNd4j);
                    Nd4j.factory().blas().setMaxThreads(savedBlas);
                } catch (RuntimeException | LinkageError e) {
                    refused(e);
                }
            }
            LOCK.notifyAll();
        }
    }

    private static void change(int threads) {
        try {
            savedNd4j = Nd4j.getEnvironment().maxMasterThreads();
            savedBlas = Nd4j.factory().blas().getMaxThreads();
            changed = true; // restored by the last holder, also when only ND4J's half was set
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        } catch (RuntimeException | LinkageError e) {
            refused(e);
        }
    }

    /** From now on sections neither change the setting nor wait: every one runs with what ND4J has. */
    private static void refused(Throwable e) {
        adjustable = false;
        LOCK.notifyAll();
        if (warned) {
            return;
        }
        warned = true;
        LOG.warn("landscape4j: cannot set ND4J's threads for snapshots ({}); snapshots use ND4J's own setting",
                e.toString());
    }
}
