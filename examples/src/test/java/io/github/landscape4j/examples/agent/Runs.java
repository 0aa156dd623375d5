package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.PlainTraining;
import io.github.landscape4j.examples.bench.AgentJar;
import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.examples.bench.PlainClasspath;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs running the unmodified {@link PlainTraining}: bare, with the agent, or wired by hand. */
final class Runs {

    static final int ITERATIONS = 12;
    static final String PLAIN_MAIN = PlainTraining.class.getName();
    static final long TIMEOUT_S = 120;
    private static ChildJvm.Result baseline;

    private Runs() {
    }

    /** The class path of a program with only deeplearning4j-nn and ND4J. */
    static String plainClasspath() {
        return PlainClasspath.of(System.getProperty("java.class.path"));
    }

    /** PlainTraining without the plugin, run once per test JVM. */
    static synchronized ChildJvm.Result baseline() throws Exception {
        if (baseline == null) {
            baseline = ChildJvm.run(Files.createTempDirectory("landscape4j-baseline"), List.of("-Xmx1g"),
                    plainClasspath(), PLAIN_MAIN, List.of(Integer.toString(ITERATIONS)), TIMEOUT_S);
        }
        return baseline;
    }

    /** PlainTraining with {@code -javaagent:JAR[=agentArgs]} and the extra JVM arguments. */
    static ChildJvm.Result withAgent(Path dir, String agentArgs, String... jvmArgs) throws Exception {
        return withAgent(dir, agentArgs, List.of(Integer.toString(ITERATIONS)), jvmArgs);
    }

    /** PlainTraining with its arguments {@code programArgs}, under the agent. */
    static ChildJvm.Result withAgent(Path dir, String agentArgs, List<String> programArgs, String... jvmArgs)
            throws Exception {
        return ChildJvm.run(dir, agentCommand(agentArgs, jvmArgs), plainClasspath(), PLAIN_MAIN, programArgs,
                TIMEOUT_S);
    }

    /** The JVM arguments of a run under the agent. */
    static List<String> agentCommand(String agentArgs, String... jvmArgs) {
        List<String> args = new ArrayList<>(List.of("-Xmx1g"));
        args.addAll(List.of(jvmArgs));
        args.add("-javaagent:" + AgentJar.locate() + (agentArgs == null ? "" : "=" + agentArgs));
        return args;
    }

    /** {@link HandWiredTraining}: the same training with the listener added by hand. */
    static ChildJvm.Result handWired(Path dir, Path store) throws Exception {
        return ChildJvm.run(dir, List.of("-Xmx1g"), System.getProperty("java.class.path"),
                HandWiredTraining.class.getName(), List.of(store.toString(), Integer.toString(ITERATIONS)),
                TIMEOUT_S);
    }

    /** Lines of {@code run} that are not in the baseline. */
    static List<String> newStderrLines(ChildJvm.Result run) throws Exception {
        List<String> base = baseline().stderrLines();
        return run.stderrLines().stream().filter(l -> !base.contains(l)).toList();
    }
}
