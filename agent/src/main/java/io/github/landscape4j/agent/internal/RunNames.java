package io.github.landscape4j.agent.internal;

import java.util.Locale;

/**
 * Internal: names of the agent's runs: the program's main class (its simple name, or the jar's file name for
 * {@code java -jar}), then the model's number in the JVM ({@code ModelXOR-1}, {@code ModelXOR-2}, ...), unless the
 * {@code run} option names them.
 */
final class RunNames {

    private RunNames() {
    }

    /** The name of the {@code index}-th model (from 1) of a program launched as {@code command}. */
    static String forModel(String command, int index) {
        return program(command) + "-" + index;
    }

    /**
     * The program's name from the launcher's command ({@code sun.java.command}: main class or jar, then the
     * arguments); {@code run} when there is none.
     */
    static String program(String command) {
        if (command == null || command.isBlank()) {
            return "run";
        }
        String first = command.trim().split("\\s+")[0];
        String name;
        if (first.toLowerCase(Locale.ROOT).endsWith(".jar")) {
            String file = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1);
            name = file.substring(0, file.length() - 4);
        } else {
            name = first.substring(first.lastIndexOf('.') + 1); // a module/class form keeps the class
            name = name.substring(name.lastIndexOf('/') + 1);
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.matches("[._-]+") ? "run" : name;
    }
}
