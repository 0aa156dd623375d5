package io.github.landscape4j.study;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.util.Arrays;
import java.util.Locale;

/** The optimizers a study varies over. */
public enum Optimizer {
    /** SGD with (Nesterov) momentum 0.9: DL4J's {@code Nesterovs}. */
    SGD_MOMENTUM("sgd"),
    /** Adam with DL4J's default betas. */
    ADAM("adam");

    private final String label;

    Optimizer(String label) {
        this.label = label;
    }

    /** Its short name: {@code sgd} or {@code adam}. */
    public String label() {
        return label;
    }

    /** A DL4J updater with this optimizer at {@code learningRate}. */
    public IUpdater updater(double learningRate) {
        return switch (this) {
            case SGD_MOMENTUM -> new Nesterovs(learningRate, 0.9);
            case ADAM -> new Adam(learningRate);
        };
    }

    /** The optimizer of a short name. */
    public static Optimizer of(String label) {
        for (Optimizer o : values()) {
            if (o.label.equals(label.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new IllegalArgumentException("optimizer '" + label + "': allowed are "
                + Arrays.stream(values()).map(Optimizer::label).toList());
    }
}
