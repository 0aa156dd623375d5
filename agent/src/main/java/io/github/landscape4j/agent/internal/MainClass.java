package io.github.landscape4j.agent.internal;

import java.io.IOException;
import java.util.jar.JarFile;

/**
 * Internal: the program's main class, from the launcher's command ({@code sun.java.command}): its first word, or for
 * {@code java -jar app.jar} the jar manifest's {@code Main-Class}.
 */
final class MainClass {

    private MainClass() {
    }

    /** The internal name ({@code a/b/Main}) of the main class of {@code command}; null when it cannot tell. */
    static String of(String command) {
        if (command == null || command.isBlank()) {
            return null;
        }
        String first = command.trim().split("\\s+")[0];
        if (first.toLowerCase(java.util.Locale.ROOT).endsWith(".jar")) {
            try (JarFile jar = new JarFile(first)) {
                java.util.jar.Manifest m = jar.getManifest();
                first = m == null ? null : m.getMainAttributes().getValue("Main-Class");
            } catch (IOException | SecurityException e) {
                return null;
            }
            if (first == null) {
                return null;
            }
        }
        if (first.contains("/")) { // module/class
            first = first.substring(first.indexOf('/') + 1);
        }
        return first.trim().replace('.', '/');
    }
}
