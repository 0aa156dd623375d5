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

    /** The program's main class, internal name ({@code a/b/Main}); null when the launcher does not say. */
    private final String mainClass;

    /** The options are kept for {@link Attacher}, which is loaded with DL4J, later. */
    public ModelTransformer(AgentOptions options) {
        AgentOptions.install(options);
        this.mainClass = MainClass.of(System.getProperty("sun.java.command"));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || Faults.off()) {
            return null;
        }
        boolean main = className.equals(mainClass);
        if (!main && !MODELS.contains(className)) {
            return null;
        }
        try {
            return main ? ModelWeaving.weaveMain(classfileBuffer) : ModelWeaving.weave(classfileBuffer);
        } catch (Throwable t) {
            Faults.report("instrumenting " + className.replace('/', '.'), t);
            return null;
        }
    }
}
