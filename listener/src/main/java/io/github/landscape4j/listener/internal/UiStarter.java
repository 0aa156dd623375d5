package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.ConfigOption;
import io.github.landscape4j.listener.InvalidConfigException;
import org.deeplearning4j.core.storage.StatsStorage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Internal: starts the live page for the {@code ui} option through {@code io.github.landscape4j.ui.LandscapeUi},
 * found by reflection because the listener module must not depend on the UI module (and its Vert.x server).
 */
public final class UiStarter {
    static final String UI_CLASS = "io.github.landscape4j.ui.LandscapeUi";

    private UiStarter() {
    }

    /** {@code LandscapeUi.start(int, StatsStorage)}, or an {@link InvalidConfigException} naming what is missing. */
    public static Method startMethod(int port) {
        try {
            Class<?> ui = Class.forName(UI_CLASS, true, UiStarter.class.getClassLoader());
            return ui.getMethod("start", int.class, StatsStorage.class);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            throw new InvalidConfigException(List.of(ConfigOption.UI.key() + "=" + port + ": the live page needs"
                    + " io.github.landscape4j:landscape4j-ui-extension on the class path (" + UI_CLASS
                    + " not found: " + e + ")"));
        }
    }

    /** Starts or reuses the UI server on {@code port} showing {@code storage}; returns the handle to detach it. */
    public static AutoCloseable start(Method start, int port, StatsStorage storage) {
        try {
            return (AutoCloseable) start.invoke(null, port, storage);
        } catch (InvocationTargetException e) {
            throw new InvalidConfigException(List.of(ConfigOption.UI.key() + "=" + port
                    + ": cannot start the live page: " + e.getCause()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + UI_CLASS + ".start: " + e, e);
        }
    }
}
