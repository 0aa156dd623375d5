package io.github.landscape4j.listener;

import java.util.List;

/**
 * The values an option allows, declared once with the option ({@link ConfigOption}): parsing, the validation message
 * and the description's "allowed" part all come from it.
 *
 * @param kind    what sort of value
 * @param min     least integer allowed ({@link Kind#INTEGER})
 * @param max     greatest integer allowed ({@link Kind#INTEGER})
 * @param choices the words allowed ({@link Kind#CHOICE})
 * @param text    for {@link Kind#TEXT}, and integers with a narrower rule: what is allowed, in words (checked by the
 *                option's own parser)
 */
public record OptionValues(Kind kind, long min, long max, List<String> choices, String text) {

    /** Sorts of option value. */
    public enum Kind {
        /** A whole number in {@code [min, max]}. */
        INTEGER,
        /** A finite number > 0. */
        POSITIVE,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One of {@code choices} (case-insensitive). */
        CHOICE,
        /** Text with a form of its own (a path, a name, a schedule). */
        TEXT
    }

    public OptionValues {
        choices = List.copyOf(choices);
    }

    static OptionValues integer(long min, long max) {
        return new OptionValues(Kind.INTEGER, min, max, List.of(), "");
    }

    /** Integers in {@code [min, max]} with a narrower rule the option's parser checks, said in {@code allowed}. */
    static OptionValues integer(long min, long max, String allowed) {
        return new OptionValues(Kind.INTEGER, min, max, List.of(), allowed);
    }

    static OptionValues positive() {
        return new OptionValues(Kind.POSITIVE, 0, 0, List.of(), "");
    }

    static OptionValues bool() {
        return new OptionValues(Kind.BOOLEAN, 0, 0, List.of("true", "false"), "");
    }

    static OptionValues choice(String... choices) {
        return new OptionValues(Kind.CHOICE, 0, 0, List.of(choices), "");
    }

    static OptionValues text(String allowed) {
        return new OptionValues(Kind.TEXT, 0, 0, List.of(), allowed);
    }

    /** What is allowed, in words, as validation messages say it after "must be". */
    public String allowed() {
        return switch (kind) {
            case INTEGER -> !text.isEmpty() ? text
                    : min == Long.MIN_VALUE ? "an integer" : "an integer in [" + min + ", " + max + "]";
            case POSITIVE -> "a number > 0";
            case BOOLEAN -> "true or false";
            case CHOICE -> String.join(", ", choices.subList(0, choices.size() - 1)) + " or "
                    + choices.get(choices.size() - 1);
            case TEXT -> text;
        };
    }

    /** The short form the README's option table gives for integer ranges, e.g. {@code 1..1000000}. */
    public String range() {
        return kind == Kind.INTEGER && min != Long.MIN_VALUE ? min + ".." + max : "";
    }
}
