package io.github.landscape4j.examples.bench;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The class path of a training program that has only {@code deeplearning4j-nn} and an ND4J backend: this module's
 * class path without landscape4j's listener and what only the listener needs (DL4J's UI storage and core, MapDB
 * and its libraries, Gson). The agent must bring those itself; runs of the agent use this class path to show it.
 */
public final class PlainClasspath {

    private static final List<String> LISTENER_ONLY = List.of(
            "landscape4j-listener", "/listener/target/", "deeplearning4j-core", "deeplearning4j-ui",
            "/org/mapdb/", "/com/google/code/gson/", "/com/google/guava/guava/", "/org/jetbrains/kotlin/",
            "/org/eclipse/collections/", "/net/jpountz/", "/net/bytebuddy/", "test-classes",
            "/org/junit/", "/org/assertj/", "/org/awaitility/", "/org/opentest4j/", "/org/apiguardian/");

    private PlainClasspath() {
    }

    /** {@code classPath} (e.g. {@code java.class.path}) without the listener's own dependencies. */
    public static String of(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> LISTENER_ONLY.stream().noneMatch(entry.replace('\\', '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
