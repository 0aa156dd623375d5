package io.github.landscape4j.study;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one training run of a study. A {@link StudyModel} builds the network from them (optimizer,
 * learning rate, weight decay, dropout); the study trains it with the batch size, the seed and at most
 * {@code epochs} epochs.
 *
 * @param seed         seed of the network's initialization, the data order and ND4J's random generator (dropout)
 * @param batchSize    examples per minibatch
 * @param optimizer    the optimizer
 * @param learningRate its learning rate
 * @param weightDecay  L2 weight decay coefficient (0: none)
 * @param dropout      probability of dropping a hidden unit (0: no dropout)
 * @param epochs       epochs to train (the most, when the stopping rule is a train-loss threshold)
 */
public record RunSettings(long seed, int batchSize, Optimizer optimizer, double learningRate, double weightDecay,
                          double dropout, int epochs) implements java.io.Serializable {

    /** Names of the settings, in the order {@link #asMap()} lists them. */
    public static final java.util.List<String> NAMES = java.util.List.of("seed", "batch", "optimizer", "lr",
            "weight_decay", "dropout", "epochs");

    public RunSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": must be >= 1");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate " + learningRate + ": must be > 0 and finite");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + ": must be >= 0 and finite");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout " + dropout + ": must be in [0, 1)");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs " + epochs + ": must be >= 1");
        }
        java.util.Objects.requireNonNull(optimizer, "optimizer");
    }

    /** Setting name ({@link #NAMES}) → value as text, e.g. {@code lr → 0.001}. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("seed", Long.toString(seed));
        m.put("batch", Integer.toString(batchSize));
        m.put("optimizer", optimizer.label());
        m.put("lr", text(learningRate));
        m.put("weight_decay", text(weightDecay));
        m.put("dropout", text(dropout));
        m.put("epochs", Integer.toString(epochs));
        return m;
    }

    /** The settings as one run name (letters, digits, '.', '_', '-'), e.g. {@code s1_b64_adam_lr0.001_wd0_do0_e2}. */
    public String key() {
        return "s" + seed + "_b" + batchSize + "_" + optimizer.label() + "_lr" + text(learningRate) + "_wd"
                + text(weightDecay) + "_do" + text(dropout) + "_e" + epochs;
    }

    /** DL4J's dropout argument: the probability of keeping a unit ({@code 1 - dropout}). */
    public double retainProbability() {
        return 1 - dropout;
    }

    /** A number as short plain text: 0.001, 0, 64. */
    static String text(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
