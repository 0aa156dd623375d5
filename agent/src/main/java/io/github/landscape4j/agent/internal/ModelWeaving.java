package io.github.landscape4j.agent.internal;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Internal: what the agent changes in DL4J: {@link AttachAdvice} at the exit of every {@code init(...)} and
 * {@code setListeners(...)} overload of {@code MultiLayerNetwork} and {@code ComputationGraph}. {@code init} is
 * where a model becomes usable (and {@code clone()} goes through it); {@code setListeners} replaces the listener
 * list, ours included, so the advice adds it back.
 */
final class ModelWeaving {

    private ModelWeaving() {
    }

    /** Byte Buddy's transformer, not installed: {@link ModelTransformer} hands it the two model classes only. */
    static ClassFileTransformer transformer() {
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                                        Throwable throwable) {
                        Faults.report("instrumenting " + typeName, throwable);
                    }
                })
                .ignore(none())
                .type(named("org.deeplearning4j.nn.multilayer.MultiLayerNetwork")
                        .or(named("org.deeplearning4j.nn.graph.ComputationGraph")))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(AttachAdvice.class)
                        .on(isMethod().and(not(isAbstract())).and(named("init").or(named("setListeners"))))))
                .makeRaw();
    }
}
