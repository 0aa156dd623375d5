package io.github.landscape4j.surface.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: the layers and vertices of {@link RecurrentForward}, on time-major arrays ({@code [T, m, F]},
 * row-major) and buffers handed out by a {@link Scratch}.
 */
final class RecurrentLayers {
    /**
     * Most values of an LSTM's input products held at once (steps × examples × 4 × hidden): 16M, 64 MB in float; a
     * longer probe's are computed a chunk of steps at a time.
     */
    static long MAX_GATE_VALUES = 16L << 20;

    private RecurrentLayers() {
    }

    /**
     * An LSTM over {@code x} ({@code [T, m, nIn]}); {@code mask} {@code [T, m]} or null. Returns {@code [T, m, H]}.
     * A {@code GravesLSTM} has peephole connections (the last 3 columns of its recurrent weights: {@code wFF},
     * {@code wOO}, {@code wGG}): {@code c_{t-1}·wFF} enters the forget gate, {@code c_{t-1}·wGG} the input gate and
     * {@code c_t·wOO} the output gate before their activations, as in DL4J.
     */
    static INDArray lstm(Layer l, INDArray x, INDArray mask, Scratch s) {
        return lstm(l, x, mask, s, null);
    }

    /**
     * As above; with {@code cells} (no peepholes), also keeps what {@link LstmBackprop#backward} reads: {@code
     * cells[0]} the gates' pre-activations {@code [T·m, 4H]}, {@code cells[1]} the gates {@code [T·m, 4H]}, {@code
     * cells[2]} the cell state before the step's mask ({@code ĉ}, {@code [T, m, H]}).
     */
    static INDArray lstm(Layer l, INDArray x, INDArray mask, Scratch s, INDArray[] cells) {
        var conf = (org.deeplearning4j.nn.conf.layers.AbstractLSTM) l.conf().getLayer();
        boolean peepholes = conf instanceof org.deeplearning4j.nn.conf.layers.GravesLSTM;
        IActivation act = conf.getActivationFn();
        IActivation gate = conf.getGateActivationFn();
        INDArray w = l.getParam("W");
        INDArray rw = l.getParam("RW");
        INDArray b = l.getParam("b");
        long steps = x.size(0);
        long m = x.size(1);
        long h = rw.size(0);
        INDArray rw4 = peepholes ? s.next(rw.dataType(), h, 4 * h).assign(rw.get(NDArrayIndex.all(),
                NDArrayIndex.interval(0, 4 * h))) : rw;
        INDArray wff = peepholes ? rw.get(NDArrayIndex.all(), NDArrayIndex.point(4 * h)).reshape(1, h) : null;
        INDArray woo = peepholes ? rw.get(NDArrayIndex.all(), NDArrayIndex.point(4 * h + 1)).reshape(1, h) : null;
        INDArray wgg = peepholes ? rw.get(NDArrayIndex.all(), NDArrayIndex.point(4 * h + 2)).reshape(1, h) : null;
        long chunk = cells != null ? steps // steps whose input products fit (all of them when kept)
                : Math.max(1, Math.min(steps, MAX_GATE_VALUES / (m * 4 * h)));
        INDArray pre = cells == null ? null : s.next(x.dataType(), steps * m, 4 * h);
        INDArray chat = cells == null ? null : s.next(x.dataType(), steps, m, h);
        INDArray z = s.next(x.dataType(), chunk * m, 4 * h);
        INDArray x2 = x.reshape(steps * m, x.size(2));
        INDArray out = s.next(x.dataType(), steps, m, h);
        INDArray c = s.next(x.dataType(), m, h);
        INDArray tmp = s.next(x.dataType(), m, h);
        INDArray previous = null;
        for (long t = 0; t < steps; t++) {
            long k = t % chunk;
            if (k == 0) { // the input products of the next chunk of steps, one matrix product
                long n = Math.min(chunk, steps - t);
                Nd4j.gemm(x2.get(NDArrayIndex.interval(t * m, (t + n) * m), NDArrayIndex.all()), w,
                        n == chunk ? z : z.get(NDArrayIndex.interval(0, n * m), NDArrayIndex.all()), false, false,
                        1.0, 0.0);
            }
            INDArray zt = z.get(NDArrayIndex.interval(k * m, (k + 1) * m), NDArrayIndex.all());
            if (previous != null) { // h_{-1} = 0: DL4J adds a product with zeros, exactly nothing
                Nd4j.gemm(previous, rw4, zt, false, false, 1.0, 1.0);
            }
            if (t == 0) {
                c.assign(0); // c_{-1} = 0: f·0 + g·a as DL4J computes it
            }
            zt.addiRowVector(b);
            if (pre != null) {
                pre.get(NDArrayIndex.interval(t * m, (t + 1) * m), NDArrayIndex.all()).assign(zt);
            }
            INDArray a = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
            INDArray f = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h));
            INDArray o = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * h, 3 * h));
            INDArray g = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * h, 4 * h));
            act.getActivation(a, false);
            if (peepholes) {
                f.addi(tmp.assign(c).muliRowVector(wff));
                g.addi(tmp.assign(c).muliRowVector(wgg));
                gate.getActivation(f, false);
                gate.getActivation(g, false);
            } else { // the three gates in one operation
                gate.getActivation(zt.get(NDArrayIndex.all(), NDArrayIndex.interval(h, 4 * h)), false);
            }
            Nd4j.exec(new MulOp(g, a, tmp));
            c.muli(f).addi(tmp);
            if (chat != null) {
                chat.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).assign(c);
            }
            if (peepholes) {
                o.addi(tmp.assign(c).muliRowVector(woo));
                gate.getActivation(o, false);
            }
            tmp.assign(c);
            act.getActivation(tmp, false);
            INDArray ht = out.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            Nd4j.exec(new MulOp(tmp, o, ht));
            if (mask != null) {
                INDArray column = mask.get(NDArrayIndex.point(t), NDArrayIndex.all()).reshape(m, 1);
                ht.muliColumnVector(column);
                c.muliColumnVector(column);
            }
            previous = ht;
        }
        if (cells != null) {
            cells[0] = pre;
            cells[1] = z;
            cells[2] = chat;
        }
        return out;
    }

    /** A per-step output layer over {@code x} ({@code [T, m, F]}): activation of {@code x·W + b}, then its mask. */
    static INDArray rnnOutput(Layer l, INDArray x, INDArray mask, Scratch s) {
        long steps = x.size(0);
        long m = x.size(1);
        INDArray w = l.getParam("W");
        INDArray out = s.next(x.dataType(), steps * m, w.size(1));
        Nd4j.gemm(x.reshape(steps * m, x.size(2)), w, out, false, false, 1.0, 0.0);
        out.addiRowVector(l.getParam("b"));
        ((org.deeplearning4j.nn.conf.layers.BaseLayer) l.conf().getLayer()).getActivationFn().getActivation(out, false);
        if (mask != null) {
            out.muliColumnVector(mask.reshape(steps * m, 1));
        }
        return out.reshape(steps, m, w.size(1));
    }

    static INDArray dense(Layer l, INDArray x, Scratch s) {
        if (x.rank() != 2) {
            throw new IllegalStateException("a dense layer on a time series without a preprocessor");
        }
        INDArray w = l.getParam("W");
        INDArray out = s.next(x.dataType(), x.size(0), w.size(1));
        Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
        out.addiRowVector(l.getParam("b"));
        ((org.deeplearning4j.nn.conf.layers.BaseLayer) l.conf().getLayer()).getActivationFn().getActivation(out, false);
        return out;
    }

    /** Each example's last unmasked step ({@code rows}: its row in {@code x} as {@code [T·m, F]}). */
    static INDArray lastStep(INDArray x, int[] rows, Scratch s) {
        long m = x.size(1);
        INDArray out = s.next(x.dataType(), m, x.size(2));
        Nd4j.pullRows(x.reshape(x.size(0) * m, x.size(2)), out, 1, rows);
        return out;
    }

    static INDArray duplicate(INDArray x, long steps, Scratch s) {
        INDArray out = s.next(x.dataType(), steps, x.size(0), x.size(1));
        for (long t = 0; t < steps; t++) {
            out.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).assign(x);
        }
        return out;
    }

    static INDArray merge(int[] inputs, INDArray[] values, Scratch s) {
        INDArray first = values[inputs[0]];
        int axis = first.rank() - 1; // the feature axis: last in the time-major layout, as in [m, F]
        long width = 0;
        for (int i : inputs) {
            width += values[i].size(axis);
        }
        long[] shape = first.shape().clone();
        shape[axis] = width;
        INDArray out = s.next(first.dataType(), shape);
        long from = 0;
        for (int i : inputs) {
            long w = values[i].size(axis);
            (axis == 2 ? out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + w))
                    : out.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + w))).assign(values[i]);
            from += w;
        }
        return out;
    }

    /**
     * A probe's time-major inputs, masks, last steps and the buffers of its forward, handed out in the same order
     * on every call and reused.
     */
    static final class Scratch {
        INDArray[] inputs;
        INDArray[] masks;
        int[][] lastSteps;
        final List<INDArray> buffers = new ArrayList<>();
        int next;

        INDArray next(DataType type, long... shape) {
            if (next < buffers.size() && java.util.Arrays.equals(buffers.get(next).shape(), shape)
                    && buffers.get(next).dataType() == type) {
                return buffers.get(next++);
            }
            INDArray a = Nd4j.create(type, shape, 'c');
            if (next < buffers.size()) {
                buffers.set(next, a);
            } else {
                buffers.add(a);
            }
            next++;
            return a;
        }
    }
}
