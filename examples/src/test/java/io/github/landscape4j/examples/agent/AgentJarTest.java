package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.AgentJar;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded agent jar: its manifest, and what it holds under which names. */
class AgentJarTest {

    @Test
    void manifestNamesThePremainClass() throws Exception {
        try (JarFile jar = new JarFile(AgentJar.locate().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("io.github.landscape4j.agent.LandscapeAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
        }
    }

    @Test
    void holdsRelocatedDependenciesAndNoUserLibraries() throws Exception {
        List<String> names;
        try (JarFile jar = new JarFile(AgentJar.locate().toFile())) {
            names = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
        }
        assertThat(names).noneMatch(n -> n.startsWith("net/bytebuddy/"))
                .noneMatch(n -> n.startsWith("com/google/"))
                .noneMatch(n -> n.startsWith("kotlin/"))
                .noneMatch(n -> n.startsWith("org/eclipse/"))
                // the user's DL4J, ND4J and logging are used, never a copy
                .noneMatch(n -> n.startsWith("org/nd4j/"))
                .noneMatch(n -> n.startsWith("org/deeplearning4j/nn/"))
                .noneMatch(n -> n.startsWith("org/slf4j/"));
        assertThat(names).anyMatch(n -> n.startsWith("io/github/landscape4j/agent/shaded/net/bytebuddy/"))
                .anyMatch(n -> n.startsWith("io/github/landscape4j/agent/shaded/kotlin/"))
                .contains("io/github/landscape4j/listener/LandscapeListener.class",
                        "org/deeplearning4j/ui/model/storage/FileStatsStorage.class",
                        "org/deeplearning4j/core/storage/StatsStorage.class");
        // MapDB keeps its name: it writes its own class names into the store file
        assertThat(names).allMatch(n -> n.startsWith("io/github/landscape4j/") || n.startsWith("org/mapdb/")
                || n.startsWith("org/deeplearning4j/core/storage/") || n.startsWith("org/deeplearning4j/ui/model/storage/")
                || n.startsWith("org/jetbrains/annotations/"), "only the project's package, MapDB and DL4J's storage");
    }
}
