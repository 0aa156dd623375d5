package io.github.landscape4j.listener;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a piece of code prints on {@code System.err} (where slf4j-simple logs), for tests of log lines. */
public final class Stderr {
    private Stderr() {
    }

    /** Code that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with {@code System.err} captured; returns what it printed. */
    public static String of(Body body) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
