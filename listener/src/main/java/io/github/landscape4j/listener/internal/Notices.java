package io.github.landscape4j.listener.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Internal: the few lines a user must see whatever their logging set-up (a run that ended with no snapshot, and why):
 * logged as a warning, and printed on stderr instead when the program has no SLF4J binding (SLF4J then drops every
 * line: a program run with {@code -javaagent}, or pasted from a snippet, often has none).
 */
public final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private static final java.util.concurrent.atomic.AtomicBoolean EXIT_SAID =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Notices() {
    }

    /** At JVM exit, once per JVM: runs that wanted a final snapshot get none there. */
    static void exitWithoutFinalSnapshot(boolean inProgress) {
        if (EXIT_SAID.compareAndSet(false, true)) {
            LOG.info("landscape4j: JVM exit: no final snapshot{} (none is taken in a shutdown hook; close the"
                    + " listener after training for one); scalars and checkpoints are committed",
                    inProgress ? ", the one in progress abandoned" : "");
        }
    }

    /** Logs {@code line} as a warning, or prints it on stderr when there is no SLF4J binding to log it. */
    static void say(String line) {
        if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
            System.err.println(line);
        } else {
            LOG.warn(line);
        }
    }

    /**
     * As a run ends: a schedule that never fired ({@code never}), and, for a run with snapshots on that ends with
     * none, one line with why ({@code reason}: what the run knows against it; {@code exiting}: the JVM is exiting;
     * {@code collected}: its model was collected).
     */
    static void runEnded(String runId, long lastIteration, int snapshots, boolean enabled, boolean exiting,
                         boolean collected, java.util.Optional<String> never, String reason) {
        if (snapshots > 0 || !enabled) {
            never.ifPresent(m -> LOG.warn("landscape4j: run {}: {}", runId, m));
            return;
        }
        String why = reason;
        if (never.isPresent()) {
            why = never.get();
        } else if (exiting) {
            why = "the JVM exited before one was taken" + (reason.isEmpty() ? "" : "; " + reason)
                    + "; none is taken in a shutdown hook (close the listener after training, or, under the agent,"
                    + " let main return instead of calling System.exit, for a final one)";
        } else if (collected) {
            why = "its model was no longer reachable (collected) before one was taken"
                    + (reason.isEmpty() ? "" : "; " + reason) + "; close the listener after training for a final one";
        } else if (why.isEmpty()) {
            why = "none was due before the run ended";
        }
        say("landscape4j: run " + runId + " ended at iteration " + lastIteration + " with no landscape snapshot: "
                + why);
    }
}
