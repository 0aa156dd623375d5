package io.github.landscape4j.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Finds the shaded agent jar that {@code mvn package} builds in {@code agent/target}. */
public final class AgentJar {

    private AgentJar() {
    }

    /** The jar named by {@code -DagentJar=PATH}, or {@code agent/target/landscape4j-agent-*.jar} of this checkout. */
    public static Path locate() {
        String given = System.getProperty("agentJar");
        if (given != null) {
            return Path.of(given);
        }
        Path target;
        try {
            // examples/target/classes -> the repository root
            Path classes = Path.of(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            target = classes.getParent().getParent().getParent().resolve("agent").resolve("target");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate this module's classes", e);
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("landscape4j-agent-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no agent jar in " + target
                            + ": build it with mvn -B -DskipTests package"));
        } catch (IOException e) {
            throw new UncheckedIOException("no agent jar: " + target + " cannot be listed (build it with"
                    + " mvn -B -DskipTests package)", e);
        }
    }
}
