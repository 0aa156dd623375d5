package io.github.landscape4j.examples.programs;

import io.github.landscape4j.examples.bench.AgentJar;
import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.examples.bench.PlainClasspath;
import io.github.landscape4j.examples.bench.ProgramsBench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Child JVMs running a {@link Program}: bare, under {@code -javaagent} with default options, or with the listener
 * added by hand ({@link WithListener}); with {@code OMP_NUM_THREADS=1} on small machines, as the bench.
 */
final class ProgramRuns {

    static final long TIMEOUT_S = 300;
    private static final Map<List<String>, ChildJvm.Result> BASELINES = new HashMap<>();

    private ProgramRuns() {
    }

    /** The program without the plugin, run once per test JVM for each program and arguments. */
    static synchronized ChildJvm.Result baseline(Program program, List<String> args) throws Exception {
        List<String> key = new ArrayList<>(args);
        key.add(0, program.name());
        ChildJvm.Result r = BASELINES.get(key);
        if (r == null) {
            r = ChildJvm.run(Files.createTempDirectory("landscape4j-program-baseline"), ProgramsBench.threadsEnv(),
                    List.of("-Xmx1g"), PlainClasspath.of(System.getProperty("java.class.path")), program.mainClass(),
                    args, TIMEOUT_S);
            BASELINES.put(key, r);
        }
        return r;
    }

    /** The unmodified program under {@code -javaagent:JAR=store=STORE}, on a class path without the listener. */
    static ChildJvm.Result withAgent(Path dir, Program program, List<String> args, Path store) throws Exception {
        return ChildJvm.run(dir, ProgramsBench.threadsEnv(),
                List.of("-Xmx1g", "-javaagent:" + AgentJar.locate() + "=store=" + store),
                PlainClasspath.of(System.getProperty("java.class.path")), program.mainClass(), args, TIMEOUT_S);
    }

    /** The program with the listener added by hand ({@link WithListener}). */
    static ChildJvm.Result withListener(Path dir, Program program, List<String> args, Path store) throws Exception {
        List<String> all = new ArrayList<>(List.of(store.toString(), program.name()));
        all.addAll(args);
        return ChildJvm.run(dir, ProgramsBench.threadsEnv(), List.of("-Xmx1g"), System.getProperty("java.class.path"),
                WithListener.class.getName(), all, TIMEOUT_S);
    }
}
