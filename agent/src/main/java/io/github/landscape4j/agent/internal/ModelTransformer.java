package io.github.landscape4j.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;

/**
 * Internal: the transformer {@code premain} registers. Every class the JVM loads passes through it, so it only
 * compares names. When one of DL4J's model classes arrives it weaves it ({@link ModelWeaving}). A Byte Buddy agent
 * that matches every loaded class cost ~1.1 s of startup (DL4J-NOTES); this costs nothing until DL4J is used.
 */
public final class ModelTransformer implements ClassFileTransformer {

    private static final Set<String> MODELS = Set.of(
            "org/deeplearning4j/nn/multilayer/MultiLayerNetwork",
            "org/deeplearning4j/nn/graph/ComputationGraph");

    /** The options are kept for {@link Attacher}, which is loaded with DL4J, later. */
    public ModelTransformer(AgentOptions options) {
        AgentOptions.install(options);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || !MODELS.contains(className) || Faults.off()) {
            return null;
        }
        try {
            return ModelWeaving.weave(classfileBuffer);
        } catch (Throwable t) {
            Faults.report("instrumenting " + className.replace('/', '.'), t);
            return null;
        }
    }
}
