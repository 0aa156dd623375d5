package io.github.landscape4j.surface.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Internal: the gradient and exact Hessian-vector products of the probe loss at one centre (Pearlmutter's R-operator, see
 * {@link ExactMlp} and {@link ExactChain}), in the units of {@link ProbeModel#gradient}; the copy's parameters may move
 * afterwards.
 */
public final class Curvature {

    /** An exact path of a network ({@link ExactChain}, {@link ExactGraph}): centres on one probe at a time. */
    interface Path {
        /**
         * The gradient at {@code params} on inputs {@code x} and labels {@code y} (the params' data type), with what
         * Hessian-vector products there reuse; empty when the path turns out not to apply there.
         */
        java.util.Optional<Centre> centre(INDArray params, INDArray x, INDArray y);

        /** Frees the products' workspace on the calling thread (after a snapshot). */
        void release();
    }

    /** One centre of an exact path: sums over the probe's examples. */
    interface Centre {
        /** The gradient at the centre; do not modify it. */
        INDArray gradient();

        /** {@code H·v} as a new flat array; with {@code only}, zero outside that tensor ({@code v} is too). */
        INDArray hvp(INDArray v, io.github.landscape4j.store.ParameterTensor only);
    }

    private final Centre centre;
    private final double scale;
    private INDArray gradient;

    Curvature(Centre centre, double scale) {
        this.centre = centre;
        this.scale = scale;
    }

    /** The gradient at the centre (do not modify it). */
    public INDArray gradient() {
        if (gradient == null) {
            gradient = centre.gradient().mul(scale);
        }
        return gradient;
    }

    /**
     * {@code H·v} at the centre as a new array; with {@code only}, {@code v} must be zero outside that tensor,
     * and the product is computed (and non-zero) only there.
     */
    public INDArray product(INDArray v, io.github.landscape4j.store.ParameterTensor only) {
        return centre.hvp(v, only).muli(scale);
    }
}
