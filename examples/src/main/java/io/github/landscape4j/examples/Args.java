package io.github.landscape4j.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --key value} parsing for the example programs; unknown keys are an error naming the known ones. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; known: --" + String.join(", --",
                        known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
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
