package io.github.landscape4j.agent.internal;

import net.bytebuddy.asm.Advice;

/**
 * Internal: exit advice on the models' {@code init(...)} and {@code setListeners(...)}. Not inlined: DL4J's code
 * calls {@link #exit(Object)}, which must be visible from DL4J's class loader (the agent jar is on the system class
 * path). Suppresses everything: the plugin never breaks training.
 */
public final class AttachAdvice {

    private AttachAdvice() {
    }

    /** Runs after the method returns normally. */
    @Advice.OnMethodExit(suppress = Throwable.class, inline = false)
    public static void exit(@Advice.This Object model) {
        Attacher.attach(model);
    }
}
