package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.ConfigOption;
import io.github.landscape4j.listener.InvalidConfigException;
import io.github.landscape4j.listener.LandscapeConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Internal: the agent's options, from system properties {@code landscape4j.KEY} and the agent argument
 * {@code key=value,key=value} (which wins), validated as the listener validates them, plus a cheap check that the
 * store file can be created (without opening it: that would load MapDB in {@code premain}).
 *
 * @param store           the store file all runs go to
 * @param listenerOptions every other option, by its {@link ConfigOption} key, for the listener's builder
 */
public record AgentOptions(Path store, Map<String, String> listenerOptions) {

    /** Where the runs go when neither the argument nor a property names a store: the working directory. */
    public static final String DEFAULT_STORE = "landscape4j.db";

    private static volatile AgentOptions installed;

    public AgentOptions {
        listenerOptions = Map.copyOf(listenerOptions);
    }

    /** Keeps the options of this JVM's agent (set once by {@code premain}). */
    static void install(AgentOptions options) {
        installed = options;
    }

    /** The options of this JVM's agent; null when it is off. */
    static AgentOptions installed() {
        return installed;
    }

    /**
     * Merges and validates the options.
     *
     * @throws InvalidConfigException listing every bad pair, key or value with what is allowed
     */
    public static AgentOptions parse(String agentArgs, Properties properties) {
        List<String> problems = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        options.put(ConfigOption.STORE.key(), DEFAULT_STORE);
        // Only the listener's keys: other landscape4j.* properties belong to other parts of the program (the
        // examples' landscape4j.fashionMnist, say); an unknown key in the agent argument is an error.
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (name.startsWith(ConfigOption.PROPERTY_PREFIX)) {
                String key = name.substring(ConfigOption.PROPERTY_PREFIX.length());
                if (ConfigOption.byKey(key).isPresent()) {
                    options.put(key, properties.getProperty(name).trim());
                }
            }
        }
        if (agentArgs != null) {
            for (String pair : agentArgs.split(",")) {
                int eq = pair.indexOf('=');
                if (pair.isBlank()) {
                    continue;
                }
                if (eq <= 0) {
                    problems.add(pair.trim() + ": not a key=value pair; the agent argument is key=value pairs"
                            + " separated by ','");
                } else {
                    options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        Optional<Path> store = Optional.empty();
        try {
            store = LandscapeConfig.parse(options).store();
            if (store.isEmpty()) {
                problems.add(ConfigOption.STORE.key() + "=: must be the path of a store file (default "
                        + DEFAULT_STORE + ")");
            }
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
        }
        store.flatMap(AgentOptions::storeProblem).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        options.remove(ConfigOption.STORE.key()); // the agent opens the one shared store itself
        return new AgentOptions(store.orElseThrow(), options);
    }

    /** The one stderr line at start: where the runs go, when snapshots are taken, where the page is. */
    public String startLine() {
        String schedule = listenerOptions.getOrDefault(ConfigOption.SNAPSHOT.key(), ConfigOption.SNAPSHOT.defaultValue());
        String ui = listenerOptions.getOrDefault(ConfigOption.UI.key(), "");
        return "landscape4j agent: recording DL4J models to " + store.toAbsolutePath() + " (snapshot=" + schedule
                + (schedule.startsWith("budget:") ? " of wall time, the final one when main returns" : "") + ")"
                + (ui.isEmpty() ? "; live page off (ui=PORT serves it)" : ui.equals("0")
                ? "; live page on a free port, its address logged when it starts"
                : "; live page http://127.0.0.1:" + ui + "/landscape");
    }

    /** The one stderr line for bad options. */
    public static String offMessage(InvalidConfigException e) {
        return "landscape4j agent: off, the program runs without it; bad option" + (e.problems().size() > 1 ? "s" : "")
                + ": " + String.join(" | ", e.problems());
    }

    private static Optional<String> storeProblem(Path file) {
        Path abs = file.toAbsolutePath();
        String prefix = ConfigOption.STORE.key() + "=" + file + ": ";
        if (Files.isDirectory(abs)) {
            return Optional.of(prefix + "is a directory; must be a store file to create or append to");
        }
        if (Files.exists(abs)) {
            return Files.isRegularFile(abs) && Files.isWritable(abs) ? Optional.empty()
                    : Optional.of(prefix + "exists but is not a writable file");
        }
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            return Optional.of(prefix + "cannot be created: " + existing + " is not a writable directory");
        }
        return Optional.empty();
    }
}
