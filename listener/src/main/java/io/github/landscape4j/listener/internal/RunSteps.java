package io.github.landscape4j.listener.internal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: where one run is in training: the last step's iteration and epoch, whether the fit loop reports epochs
 * (or only DL4J's epoch counter moves), and whether a step came from {@code fit} or from outside it. A step from
 * {@code fit} computed its gradient at its iteration ({@code onGradientCalculation}); a step with none there had its
 * parameters set from outside: dl4j-spark's parameter averaging sets the driver's model between fit rounds and
 * computes no gradient on it, and {@code LandscapeListener.step} records such a step. Not thread-safe: its run calls
 * it under the run's lock, and {@link #gradientAt} from the training thread, which alone sends the steps.
 */
final class RunSteps {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private final String runId;
    private long iteration;
    private int epoch;
    private boolean stepped;
    private boolean epochEvents;
    private boolean epochsCounted;
    /** The iteration of the last gradient {@code fit} computed; none yet: a value no iteration count takes. */
    private long gradientAt = Long.MIN_VALUE;
    private boolean backwardsSaid;

    RunSteps(String runId) {
        this.runId = runId;
    }

    /** DL4J's epoch count of {@code model}. */
    static int epochCount(Model model) {
        if (model instanceof MultiLayerNetwork m) {
            return m.getEpochCount();
        }
        return model instanceof ComputationGraph g ? g.getEpochCount() : 0;
    }

    /** In {@code onGradientCalculation}: {@code fit} computed a gradient at this iteration. */
    void gradientAt(long iteration) {
        gradientAt = iteration;
    }

    /** Whether a step at {@code iteration} came from outside {@code fit}: no gradient was computed at it. */
    boolean fromOutside(long iteration) {
        return gradientAt != iteration;
    }

    /**
     * Whether a step from outside {@code fit} at {@code iteration} can be recorded: rows, checkpoints and the schedule
     * go by iteration, so it must come after the last step. Said once per run when it does not.
     */
    boolean forward(long iteration) {
        if (!stepped || iteration > this.iteration) {
            return true;
        }
        if (!backwardsSaid) {
            backwardsSaid = true;
            LOG.warn("landscape4j: run {}: a step from outside fit at iteration {}, not after the last step ({}), is"
                    + " not recorded: advance the model's iteration count (setIterationCount) between steps, as"
                    + " dl4j-spark's parameter averaging does (said once per run)", runId, iteration, this.iteration);
        }
        return false;
    }

    /**
     * Moves to a step; whether an epoch ended with it: in a loop that sends no epoch events (a {@code fit(DataSet)}
     * loop), when DL4J's epoch counter moved.
     */
    boolean step(long iteration, int epoch) {
        boolean turned = !epochEvents && stepped && epoch != this.epoch;
        epochsCounted |= turned;
        stepped = true;
        this.iteration = iteration;
        this.epoch = epoch;
        return turned;
    }

    /** An epoch event came: the loop reports epochs. */
    void epochEvent() {
        epochEvents = true;
    }

    /** Whether a step was seen. */
    boolean stepped() {
        return stepped;
    }

    /** The last step's iteration (0 before the first). */
    long iteration() {
        return iteration;
    }

    /** The last step's epoch (0 before the first). */
    int epoch() {
        return epoch;
    }

    /** Whether epochs were seen: reported by the loop, or counted by DL4J's epoch counter. */
    boolean epochsSeen() {
        return epochEvents || epochsCounted;
    }
}
