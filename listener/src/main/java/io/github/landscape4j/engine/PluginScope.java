package io.github.landscape4j.engine;

import java.util.function.Supplier;

/**
 * Internal: marks work the plugin does on its own networks (the private copies it evaluates landscapes on), so that
 * the agent does not attach a listener to them when their {@code init()} or {@code setListeners()} runs.
 */
public final class PluginScope {
    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);

    private PluginScope() {
    }

    /** Whether the current thread is inside the plugin's own work. */
    public static boolean active() {
        return ACTIVE.get();
    }

    public static <T> T call(Supplier<T> work) {
        boolean was = ACTIVE.get();
        ACTIVE.set(true);
        try {
            return work.get();
        } finally {
            ACTIVE.set(was);
        }
    }
}
