package io.github.landscape4j.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --key value} parsing for the example programs, plus value-less {@code --flag}s; unknown keys are an
 * error naming the known ones.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flagsGiven = new java.util.HashSet<>();

    public Args(String[] args, Set<String> known) {
        this(args, known, Set.of());
    }

    /** {@code flags}: keys that take no value ({@code --quick}); {@link #flag(String)} says whether each was given. */
    public Args(String[] args, Set<String> known, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && flags.contains(a.substring(2))) {
                flagsGiven.add(a.substring(2));
                continue;
            }
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                java.util.SortedSet<String> all = new java.util.TreeSet<>(known);
                all.addAll(flags);
                throw new IllegalArgumentException("unknown argument '" + a + "'; known: --" + String.join(", --",
                        all));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    /** Whether flag {@code name} was given. */
    public boolean flag(String name) {
        return flagsGiven.contains(name);
    }

    public String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    public int getInt(String key, int def) {
        String v = values.get(key);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, was '" + v + "'");
        }
    }
}
