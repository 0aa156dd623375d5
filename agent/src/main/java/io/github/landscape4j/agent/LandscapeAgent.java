package io.github.landscape4j.agent;

import io.github.landscape4j.agent.internal.AgentOptions;
import io.github.landscape4j.agent.internal.ModelTransformer;
import io.github.landscape4j.listener.InvalidConfigException;

import java.lang.instrument.Instrumentation;

/**
 * The landscape4j Java agent: records any DL4J training with no code change,
 *
 * <pre>
 * java -javaagent:landscape4j-agent.jar=store=runs/mnist.db,every=5 -cp ... UserMain
 * </pre>
 *
 * <p>It adds one {@link io.github.landscape4j.listener.LandscapeListener} to every {@code MultiLayerNetwork} and
 * {@code ComputationGraph} the program initializes (after {@code init(...)} and after every
 * {@code setListeners(...)}, which would otherwise drop it), after the program's own listeners, and nothing else.
 * All models share one store file; each model is its own run in it. A run ends when its model is collected (the
 * agent holds models weakly) or at JVM exit, where its tail is committed (no snapshot is taken in a shutdown hook);
 * a short program's store is opened even when the JVM has begun to exit.
 *
 * <p>Options: {@code key=value} pairs separated by {@code ','} in the agent argument, or system properties
 * {@code -Dlandscape4j.key=value}; the agent argument wins. The keys are the listener's
 * ({@link io.github.landscape4j.listener.ConfigOption}); {@code store} defaults to {@code landscape4j.db} in the
 * working directory. At start it prints one line on stderr (the store, the schedule, the live page when on); bad
 * options print one line on stderr and leave the agent off; the program runs unchanged. When the program's
 * {@code main} returns normally, each run takes its final snapshot (bounded by the {@code finalSeconds} option) before
 * the JVM exits; a run that ends with no snapshot says why on stderr.
 *
 * <p>{@code premain} only validates the options and registers a class file transformer that looks at class names:
 * the weaving code (Byte Buddy's bundled ASM) and the store are loaded when the program loads DL4J's model classes.
 */
public final class LandscapeAgent {

    private LandscapeAgent() {
    }

    /**
     * Entry point of {@code -javaagent}. Never throws: a JVM aborts when {@code premain} does.
     *
     * @param agentArgs       {@code key=value,key=value}, or null
     * @param instrumentation the JVM's instrumentation
     */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        try {
            AgentOptions options = AgentOptions.parse(agentArgs, System.getProperties());
            instrumentation.addTransformer(new ModelTransformer(options), false);
            System.err.println(options.startLine());
        } catch (InvalidConfigException e) {
            System.err.println(AgentOptions.offMessage(e));
        } catch (Throwable t) {
            System.err.println("landscape4j agent: off, it could not start (" + t + "); the program runs without it");
        }
    }
}
