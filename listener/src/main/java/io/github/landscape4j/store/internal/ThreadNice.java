package io.github.landscape4j.store.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: lowers the calling thread's Linux scheduling priority (raises its nice value), best effort. The store's
 * writer thread calls it first: beside training on a machine with few cores, every millisecond of CPU it takes runs
 * instead of one of ND4J's OpenMP threads, and a parallel step waits for its slowest thread, so a writer at the
 * JVM's priority slowed training by about its own CPU time: {@code bench.sh overhead} with a commit every iteration
 * (the writer's CPU 12-14% of the steps) measured 0.053-0.120 in nine runs before, -0.022 to 0.039 (mean 0.007) in
 * five at nice 10, where the scheduler gives the writer the time training leaves. Java's {@code
 * Thread.setPriority} does nothing on Linux (unless the JVM runs with {@code -XX:ThreadPriorityPolicy=1} as root),
 * and the JDK has no call for it, so this runs {@code renice} on the thread's id ({@code /proc/thread-self}; on
 * Linux {@code setpriority} takes a thread id). Lowering one's own
 * priority needs no privilege; a nice value at or above the target is left alone. Elsewhere, or without
 * {@code renice}, nothing happens (said once per JVM).
 */
public final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final AtomicBoolean SAID = new AtomicBoolean();
    private static final List<Path> RENICE = List.of(Path.of("/usr/bin/renice"), Path.of("/bin/renice"));

    private ThreadNice() {
    }

    /** Gives the calling thread at least nice value {@code nice} (0: nothing); whether it has it afterwards. */
    public static boolean lower(int nice, String owner) {
        if (nice <= 0) {
            return false;
        }
        OptionalInt now = current();
        if (now.isEmpty()) {
            once(owner, "not on Linux (no /proc/thread-self)", nice);
            return false;
        }
        if (now.getAsInt() >= nice) {
            return true;
        }
        Path renice = RENICE.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (renice == null) {
            once(owner, "no renice program (util-linux) found", nice);
            return false;
        }
        try {
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Process p = new ProcessBuilder(renice.toString(), "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                once(owner, "renice did not finish in 5 s", nice);
                return false;
            }
        } catch (IOException | RuntimeException e) {
            once(owner, "renice failed (" + e + ")", nice);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        boolean done = current().orElse(0) >= nice;
        if (!done) {
            once(owner, "renice left it at nice " + current().orElse(0), nice);
        }
        return done;
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat}; empty where there is none. */
    public static OptionalInt current() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // after the command name in parentheses (which may hold spaces): state is field 3, nice field 19
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(f[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static void once(String owner, String why, int nice) {
        if (SAID.compareAndSet(false, true)) {
            LOG.info("landscape4j: {}: the store writer keeps the JVM's priority instead of nice {}: {} (said once"
                    + " per JVM; writerNice=0 asks for nothing)", owner, nice, why);
        }
    }
}
