package io.github.landscape4j.surface.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Internal: a batch-norm layer in inference mode at one centre of {@link ExactGraph}: {@code x̂ = (x − μ)/s} of its
 * input, and per channel (axis 1) {@code γ/s}, {@code 1/s}, {@code γ} and {@code β}, from DL4J's running mean and
 * variance (or log10 deviation) and epsilon as DL4J's own inference-mode forward takes them.
 */
/** Batch norm in inference mode at one centre: {@code x̂} and the per-channel {@code γ/s} and {@code 1/s}. */
record BatchNormAt(INDArray xHat, INDArray scale, INDArray inverseStd, INDArray beta, INDArray gamma) {

    static BatchNormAt of(Layer layer, GraphSteps.Node s, INDArray x) {
        INDArray mean = vector(layer.getParam("mean"));
        INDArray var;
        if (s.logStd()) {
            INDArray log10s = vector(layer.getParam("log10stdev"));
            var = Transforms.pow(Nd4j.valueArrayOf(log10s.shape(), 10.0,
                    log10s.dataType()), log10s);
            var.muli(var);
        } else {
            var = vector(layer.getParam("var")).dup();
        }
        INDArray std = Transforms.sqrt(var.addi(s.eps()), false);
        INDArray inverse = std.rdiv(1.0);
        INDArray gamma = vector(layer.getParam("gamma")).dup();
        INDArray shifted = x.dup('c');
        Nd4j.getExecutioner().exec(new BroadcastSubOp(shifted, mean,
                shifted, 1));
        INDArray xHat = perChannel(shifted, inverse);
        return new BatchNormAt(xHat, gamma.mul(inverse), inverse, vector(layer.getParam("beta")).dup(), gamma);
    }

    INDArray forward(INDArray x) {
        INDArray z = perChannel(xHat, gamma);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(z, beta, z, 1));
        return z;
    }

    static INDArray vector(INDArray p) {
        return p.reshape(p.length());
    }

    /** {@code x} times a per-channel vector (channels on axis 1), as a new array. */
    static INDArray perChannel(INDArray x, INDArray c) {
        INDArray in = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        INDArray out = Nd4j.createUninitialized(in.dataType(), in.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(in, c, out, 1));
        return out;
    }

    /** The sum over every axis but the channels' (axis 1). */
    static INDArray channelSum(INDArray x) {
        return x.rank() == 4 ? x.sum(0, 2, 3) : x.sum(0);
    }
}
