package io.github.landscape4j.agent.internal;

/**
 * Internal: what {@link ModelWeaving} makes DL4J's models call when {@code init(...)} or {@code setListeners(...)}
 * returns (an exit advice). Must stay public and visible from DL4J's class loader (the agent jar is on the system
 * class path). Never throws: the plugin never breaks training.
 */
public final class AttachHook {

    /** The internal name the woven code calls. */
    static final String INTERNAL_NAME = "io/github/landscape4j/agent/internal/AttachHook";

    private AttachHook() {
    }

    /** Called when the program's {@code main} returns normally: the runs' final snapshots. */
    public static void mainReturned() {
        try {
            Attacher.mainReturned();
        } catch (Throwable t) {
            Faults.report("taking the final snapshots when main returned", t);
        }
    }

    /** Called with the model after the method returned normally. */
    public static void exit(Object model) {
        try {
            Attacher.attach(model);
        } catch (Throwable t) {
            Faults.report("attaching the listener", t);
        }
    }
}
