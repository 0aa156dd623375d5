package io.github.landscape4j.listener.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Internal: the few lines a user must see whatever their logging set-up (a run that ended with no snapshot, and why):
 * logged as a warning, and also printed on stderr when the program has no SLF4J binding (SLF4J then drops every
 * line) or when the agent asked for stderr ({@link #toStderr()}: a program run with {@code -javaagent} was not
 * written with the plugin in mind).
 */
public final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static volatile boolean stderr;

    private Notices() {
    }

    /** From now on, every notice also goes to stderr (the agent calls this). */
    public static void toStderr() {
        stderr = true;
    }

    /** Logs {@code line} as a warning, and prints it on stderr when it would otherwise not be seen. */
    static void say(String line) {
        LOG.warn(line);
        if (stderr || LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
            System.err.println(line);
        }
    }
}
