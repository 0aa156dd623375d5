package io.github.landscape4j.listener;

import java.util.List;

/**
 * One or more landscape4j options are invalid. The message has one line per bad option: its name, the value given
 * and what is allowed.
 */
public class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid landscape4j configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per bad option, e.g. {@code every=0: must be auto or an integer in [1, 1000000]}. */
    public List<String> problems() {
        return problems;
    }
}
