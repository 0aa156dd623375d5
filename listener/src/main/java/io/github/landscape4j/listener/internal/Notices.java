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

    private Notices() {
    }

    /** Logs {@code line} as a warning, or prints it on stderr when there is no SLF4J binding to log it. */
    static void say(String line) {
        if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
            System.err.println(line);
        } else {
            LOG.warn(line);
        }
    }
}
