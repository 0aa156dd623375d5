package io.github.landscape4j.store;

/**
 * A stored copy of the flattened parameter vector.
 *
 * @param iteration iteration at which the parameters were copied (for {@link Kind#INITIAL}: before the first update)
 * @param epoch     epoch at that time
 * @param kind      why it was taken
 * @param params    the parameters, in the order of {@code model.params()}, as 32-bit floats
 */
public record Checkpoint(long iteration, int epoch, Kind kind, float[] params) {

    /** Why a checkpoint was taken. */
    public enum Kind {
        /** The parameters before the first update. */
        INITIAL,
        /** Every {@code checkpointEvery} iterations, thinned to the budget. */
        PERIODIC,
        /** The newest parameters: rewritten at each epoch end and when the listener is closed. */
        FINAL
    }
}
