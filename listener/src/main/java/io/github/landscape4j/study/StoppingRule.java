package io.github.landscape4j.study;

/**
 * When a study run stops training: after its {@link RunSettings#epochs()} epochs, or as soon as its train loss
 * (the network's score on the train probe, measured after each epoch) falls below a threshold, so that models are
 * compared at equal train loss as Jiang et al. (ICLR 2020) do; the epochs are then the most it trains.
 *
 * @param trainLossBelow the threshold, or NaN for a fixed number of epochs
 */
public record StoppingRule(double trainLossBelow) implements java.io.Serializable {

    public StoppingRule {
        if (!Double.isNaN(trainLossBelow) && !(trainLossBelow > 0)) {
            throw new IllegalArgumentException("train loss threshold " + trainLossBelow + ": must be > 0");
        }
    }

    /** Train every run for its epochs. */
    public static StoppingRule epochs() {
        return new StoppingRule(Double.NaN);
    }

    /** Stop a run at the first epoch end where its train-probe loss is below {@code loss}. */
    public static StoppingRule trainLossBelow(double loss) {
        return new StoppingRule(loss);
    }

    /** Whether it stops on the train loss. */
    public boolean onLoss() {
        return !Double.isNaN(trainLossBelow);
    }

    @Override
    public String toString() {
        return onLoss() ? "train loss below " + trainLossBelow : "fixed epochs";
    }
}
