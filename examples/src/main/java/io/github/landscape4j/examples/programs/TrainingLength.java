package io.github.landscape4j.examples.programs;

import java.util.Locale;

/**
 * How long a program trains: {@code --epochs N} (a fixed number of passes, so that two runs print the same) or
 * {@code --seconds S} (until S seconds of wall time have passed since training began, checked between fit calls).
 * Not thread-safe: one per training loop.
 */
final class TrainingLength {
    private final int epochs;
    private final double seconds;
    private long startNanos;

    private TrainingLength(int epochs, double seconds) {
        this.epochs = epochs;
        this.seconds = seconds;
    }

    /**
     * Reads {@code --epochs N} or {@code --seconds S} from {@code args}; neither given: {@code defaultEpochs}.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is unknown or not a positive number
     */
    static TrainingLength parse(String[] args, int defaultEpochs) {
        int epochs = defaultEpochs;
        double seconds = 0;
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (!key.equals("--epochs") && !key.equals("--seconds") || value == null) {
                throw new IllegalArgumentException("unknown argument '" + key + (value == null ? "'" : " " + value
                        + "'") + "; known: --epochs N, --seconds S");
            }
            double number;
            try {
                number = key.equals("--epochs") ? Integer.parseInt(value) : Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, was '" + value + "'", e);
            }
            if (!(number > 0) || Double.isInfinite(number)) {
                throw new IllegalArgumentException(key + " must be positive, was '" + value + "'");
            }
            if (key.equals("--epochs")) { // the last one given wins
                epochs = (int) number;
                seconds = 0;
            } else {
                seconds = number;
            }
        }
        return new TrainingLength(epochs, seconds);
    }

    /** Starts the clock of {@code --seconds}; returns this. */
    TrainingLength start() {
        startNanos = System.nanoTime();
        return this;
    }

    /** Whether to train another epoch after {@code epochsDone}. */
    boolean another(int epochsDone) {
        return seconds > 0 ? System.nanoTime() - startNanos < seconds * 1e9 : epochsDone < epochs;
    }

    /** Whether epoch {@code epoch} (1-based) is one to print: 1, 10, 100, ... */
    static boolean printed(int epoch) {
        for (int p = 1; p > 0 && p <= epoch; p *= 10) {
            if (p == epoch) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return seconds > 0 ? String.format(Locale.ROOT, "%.1f seconds", seconds) : epochs + " epochs";
    }
}
