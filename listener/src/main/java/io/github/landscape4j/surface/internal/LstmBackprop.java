package io.github.landscape4j.surface.internal;

import io.github.landscape4j.surface.internal.RecurrentLayers.Scratch;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/**
 * Internal: an LSTM layer's part of {@link RecurrentGradient}: the backward through time from what its forward ({@link
 * RecurrentLayers#lstm} with {@code cells}) kept (the derivative is written out in {@link RecurrentGradient}'s
 * comment), on time-major arrays ({@code [T, m, F]}, or {@code [T·m, F]} rows) and buffers of a {@link Scratch}.
 */
final class LstmBackprop {

    private LstmBackprop() {
    }

    static void backward(Layer l, INDArray x, INDArray out, INDArray e, INDArray mask, INDArray[] cells,
                         INDArray[] eps, int input, Scratch s) {
        if (e == null) {
            return; // nothing reads this layer
        }
        var conf = (org.deeplearning4j.nn.conf.layers.AbstractLSTM) l.conf().getLayer();
        IActivation act = conf.getActivationFn();
        IActivation gate = conf.getGateActivationFn();
        INDArray rw = l.getParam("RW");
        long steps = x.size(0);
        long m = x.size(1);
        long h = rw.size(0);
        INDArray z = cells[0];
        INDArray gates = cells[1];
        INDArray chat = cells[2];
        INDArray dz = s.next(x.dataType(), steps * m, 4 * h);
        INDArray dc = s.next(x.dataType(), m, h).assign(0);
        INDArray dh = s.next(x.dataType(), m, h);
        INDArray actC = s.next(x.dataType(), m, h);
        INDArray tmp = s.next(x.dataType(), m, h);
        INDArray pre = s.next(x.dataType(), m, 4 * h);
        INDArray d = s.next(x.dataType(), m, 4 * h);
        for (long t = steps - 1; t >= 0; t--) {
            dh.assign(step(e, t));
            if (t < steps - 1) {
                Nd4j.gemm(rows(dz, t + 1, m), rw, dh, false, true, 1.0, 1.0);
            }
            INDArray column = mask == null ? null : mask.get(NDArrayIndex.point(t), NDArrayIndex.all()).reshape(m, 1);
            if (column != null) {
                dh.muliColumnVector(column);
            }
            INDArray gt = rows(gates, t, m);
            actC.assign(step(chat, t));
            act.getActivation(actC, false);
            Nd4j.exec(new MulOp(dh, actC, block(d, 2, 3, h))); // do
            Nd4j.exec(new MulOp(dh, block(gt, 2, 3, h), tmp)); // dh·o, then through act'(ĉ)
            INDArray dchat = act.backprop(actC.assign(step(chat, t)), tmp).getFirst();
            if (column != null) {
                dchat.addi(dc.muliColumnVector(column));
            } else {
                dchat.addi(dc);
            }
            if (t > 0) { // df = dĉ·c_{t-1}, c_{t-1} = m_{t-1}·ĉ_{t-1}
                INDArray previous = block(d, 1, 2, h).assign(step(chat, t - 1));
                if (mask != null) {
                    previous.muliColumnVector(mask.get(NDArrayIndex.point(t - 1), NDArrayIndex.all()).reshape(m, 1));
                }
                previous.muli(dchat);
            } else {
                block(d, 1, 2, h).assign(0);
            }
            Nd4j.exec(new MulOp(dchat, block(gt, 0, 1, h), block(d, 3, 4, h))); // dg = dĉ·a
            Nd4j.exec(new MulOp(dchat, block(gt, 3, 4, h), block(d, 0, 1, h))); // da = dĉ·g
            Nd4j.exec(new MulOp(dchat, block(gt, 1, 2, h), dc)); // dc_{t-1} = dĉ·f
            pre.assign(rows(z, t, m));
            INDArray dzt = rows(dz, t, m);
            block(dzt, 0, 1, h).assign(act.backprop(block(pre, 0, 1, h), block(d, 0, 1, h)).getFirst());
            block(dzt, 1, 4, h).assign(gate.backprop(block(pre, 1, 4, h), block(d, 1, 4, h)).getFirst());
        }
        Map<String, INDArray> g = RecurrentGradient.weightGradients(l, x.reshape(steps * m, x.size(2)), dz);
        if (steps > 1) { // Σ_t h_{t-1}ᵀ·dz_t
            Nd4j.gemm(out.get(NDArrayIndex.interval(0, steps - 1), NDArrayIndex.all(), NDArrayIndex.all())
                    .reshape((steps - 1) * m, h), dz.get(NDArrayIndex.interval(m, steps * m), NDArrayIndex.all()),
                    g.get("RW"), true, false, 1.0, 0.0);
        }
        if (input >= 0) { // the error of the layer's input, unless a network input
            INDArray dx = s.next(dz.dataType(), steps * m, x.size(2));
            Nd4j.gemm(dz, l.getParam("W"), dx, false, true, 1.0, 0.0);
            RecurrentGradient.add(eps, input, dx.reshape(x.shape()));
        }
    }

    static INDArray rows(INDArray a, long t, long m) {
        return a.get(NDArrayIndex.interval(t * m, (t + 1) * m), NDArrayIndex.all());
    }

    static INDArray step(INDArray a, long t) {
        return a.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    static INDArray block(INDArray a, int from, int to, long h) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from * h, to * h));
    }

}
