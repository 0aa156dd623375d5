package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: the network's outputs ("heads") and how each is scored, in DL4J's own units: per example, the output
 * layer's loss summed over unmasked time steps (RNN outputs), then the mean over examples, or the sum when the layer
 * is not mini-batch ({@code miniBatch(false)}); heads add up, as in {@code score(DataSet)} without regularization.
 * A head is a classifier when its activation is softmax or sigmoid and the probe's labels for it are one-hot (0/1,
 * each unmasked row summing to 1; one 0/1 column for sigmoid): accuracy is then per example, or per unmasked time
 * step for RNN outputs. Other heads are regressions: their mean squared and absolute errors are reported instead.
 */
final class Heads {
    private final List<Head> heads = new ArrayList<>();
    private final IActivation identity = new ActivationIdentity();
    private final Map<Probe, boolean[]> classifiers = new IdentityHashMap<>();
    private final Map<Probe, INDArray[][]> flatLabels = new IdentityHashMap<>();

    /** One output layer. */
    record Head(String name, ILossFunction loss, IActivation activation, boolean miniBatch, boolean rnn,
                boolean nwc) {
    }

    Heads(Model copy) {
        for (Layer l : Models.outputLayers(copy)) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            boolean miniBatch = l.conf().isMiniBatch();
            if (c instanceof BaseOutputLayer o) {
                boolean nwc = o instanceof RnnOutputLayer r && r.getRnnDataFormat() == RNNFormat.NWC;
                heads.add(new Head(o.getLayerName(), o.getLossFn(), o.getActivationFn(), miniBatch,
                        o instanceof RnnOutputLayer, nwc));
            } else if (c instanceof LossLayer o) {
                heads.add(new Head(o.getLayerName(), o.getLossFn(), o.getActivationFn(), miniBatch, false, false));
            } else if (c instanceof RnnLossLayer o) {
                heads.add(new Head(o.getLayerName(), o.getLossFn(), o.getActivationFn(), miniBatch, true,
                        o.getRnnDataFormat() == RNNFormat.NWC));
            } else {
                throw new IllegalArgumentException("landscape4j evaluates networks whose outputs are output or loss"
                        + " layers of rank 2 or 3 (OutputLayer, RnnOutputLayer, LossLayer, RnnLossLayer, ...);"
                        + " output " + c.getLayerName() + " is a " + c.getClass().getSimpleName());
            }
        }
    }

    /** What the loss is, in words: how DL4J's score adds up time steps, outputs and examples for this network. */
    String units() {
        boolean rnn = heads.stream().anyMatch(Head::rnn);
        boolean sum = summedOverExamples();
        return "DL4J score units: the loss" + (rnn ? " summed over unmasked time steps" : "")
                + (heads.size() > 1 ? (rnn ? " and" : "") + " summed over " + heads.size() + " outputs" : "")
                + (sum ? ", summed over examples (miniBatch(false))" : ", mean over examples")
                + ", no regularization";
    }

    /** Whether the loss is summed over examples ({@code miniBatch(false)}, every output) rather than averaged. */
    boolean summedOverExamples() {
        return heads.stream().noneMatch(Head::miniBatch);
    }

    List<Head> list() {
        return heads;
    }

    /** The per-example factor of head {@code i} for a probe of {@code n} examples: 1 (mean) or n (sum). */
    double weight(int i, long n) {
        return heads.get(i).miniBatch() ? 1.0 : n;
    }

    /** Scores outputs (owned by the caller and overwritten) against the probe. */
    ProbeReport report(INDArray[] outputs, Probe probe, boolean withError) {
        long n = probe.size();
        boolean[] kinds = classifiers(probe);
        INDArray total = null;
        double[] headLoss = new double[outputs.length];
        double accuracy = Double.NaN;
        double squared = 0;
        double absolute = 0;
        double count = 0;
        for (int i = 0; i < outputs.length; i++) {
            Head h = heads.get(i);
            INDArray out2 = flat(outputs[i], h.nwc());
            INDArray[] labels = labels(probe, i, outputs[i], out2.dataType());
            INDArray y2 = labels[0];
            INDArray m2 = labels[1];
            long steps = out2.size(0) / n;
            if (kinds[i] && Double.isNaN(accuracy)) {
                accuracy = accuracy(out2, y2, m2);
            }
            if (!kinds[i]) {
                INDArray diff = out2.sub(y2);
                if (m2 != null) {
                    diff.muli(m2.size(1) == 1 ? m2.broadcast(diff.shape()) : m2);
                    count += m2.sumNumber().doubleValue() * (m2.size(1) == 1 ? diff.size(1) : 1);
                } else {
                    count += diff.length();
                }
                absolute += Transforms.abs(diff, true).sumNumber().doubleValue();
                squared += diff.mul(diff).sumNumber().doubleValue();
            }
            if (h.loss() instanceof LossMCXENT mc && h.activation() instanceof ActivationSoftmax
                    && mc.getSoftmaxClipEps() > 0) {
                double eps = mc.getSoftmaxClipEps(); // as DL4J clips softmax outputs before the log
                out2 = Transforms.min(Transforms.max(out2, eps, false), 1.0 - eps, false);
            }
            INDArray s = h.loss().computeScoreArray(y2, out2, identity, m2);
            s = s.reshape('c', n, steps).sum(1).castTo(DataType.DOUBLE); // per example, summed over time steps
            double w = weight(i, n);
            headLoss[i] = s.meanNumber().doubleValue() * w;
            s.muli(w);
            total = total == null ? s : total.addi(s);
        }
        double mean = total.meanNumber().doubleValue();
        double se = withError && n > 1 ? total.stdNumber().doubleValue() / Math.sqrt(n) : Double.NaN;
        return new ProbeReport(mean, se, accuracy, headLoss, count > 0 ? squared / count : Double.NaN,
                count > 0 ? absolute / count : Double.NaN);
    }

    /**
     * Head {@code i}'s labels and label mask (or null) of {@code probe} in the flat layout and {@code type}, made once
     * per probe and head (a grid scores hundreds of points against them); read only.
     */
    private INDArray[] labels(Probe probe, int i, INDArray output, DataType type) {
        if (!flatLabels.containsKey(probe) && flatLabels.size() >= 4) {
            flatLabels.clear(); // a run's train and validation probes, and the previous snapshot's if they changed
        }
        INDArray[][] perHead = flatLabels.computeIfAbsent(probe, p -> new INDArray[heads.size()][]);
        if (perHead[i] == null || perHead[i][0].dataType() != type) {
            Head h = heads.get(i);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                perHead[i] = new INDArray[]{flat(probe.labels()[i].castTo(type), h.nwc()),
                        mask(probe.labelMask(i), output, type, h.nwc())};
            }
        }
        return perHead[i];
    }

    /** Whether head {@code i} is a classifier on {@code probe}'s labels (cached per probe). */
    boolean classifier(Probe probe, int i) {
        return classifiers(probe)[i];
    }

    private boolean[] classifiers(Probe probe) {
        return classifiers.computeIfAbsent(probe, p -> {
            boolean[] k = new boolean[heads.size()];
            for (int i = 0; i < k.length; i++) {
                Head h = heads.get(i);
                boolean act = h.activation() instanceof ActivationSoftmax || h.activation() instanceof ActivationSigmoid;
                k[i] = act && oneHot(flat(p.labels()[i].castTo(DataType.DOUBLE), h.nwc()),
                        h.activation() instanceof ActivationSigmoid);
            }
            return k;
        });
    }

    /** 0/1 labels; with several columns each row sums to 0 (padding) or 1, at least one to 1. */
    private static boolean oneHot(INDArray y2, boolean sigmoid) {
        if (y2.rank() != 2 || Transforms.abs(y2.sub(Transforms.round(y2, true)), false).maxNumber().doubleValue() != 0
                || y2.minNumber().doubleValue() < 0 || y2.maxNumber().doubleValue() > 1) {
            return false;
        }
        if (y2.size(1) == 1) {
            return sigmoid;
        }
        INDArray sums = y2.sum(1);
        return sums.maxNumber().doubleValue() == 1; // 0/1 entries: every row sums to 0 or 1
    }

    /** Fraction right over the labelled (one-hot, unmasked) rows. */
    private static double accuracy(INDArray out2, INDArray y2, INDArray m2) {
        INDArray weight;
        INDArray right;
        if (out2.size(1) == 1) {
            right = out2.gt(0.5).eq(y2.gt(0.5)).castTo(DataType.DOUBLE).reshape(out2.size(0));
            weight = m2 == null ? right.like().assign(1) : m2.castTo(DataType.DOUBLE).reshape(out2.size(0));
        } else {
            right = out2.argMax(1).eq(y2.argMax(1)).castTo(DataType.DOUBLE).reshape(out2.size(0));
            weight = y2.sum(1).castTo(DataType.DOUBLE).reshape(out2.size(0)); // 0 for all-zero padding rows
            if (m2 != null && m2.size(1) == 1) {
                weight.muli(m2.castTo(DataType.DOUBLE).reshape(out2.size(0)));
            }
        }
        double total = weight.sumNumber().doubleValue();
        return total > 0 ? right.muli(weight).sumNumber().doubleValue() / total : Double.NaN;
    }

    /**
     * {@code [n, c]} as is; {@code [n, c, T]} (NCW) or {@code [n, T, c]} (NWC) as {@code [n·T, c]}, example-major
     * (row {@code b·T + t}), as DL4J's RNN output layer scores it.
     */
    static INDArray flat(INDArray a, boolean nwc) {
        if (a.rank() == 2) {
            return a;
        }
        if (a.rank() == 3) {
            INDArray t = nwc ? a : a.permute(0, 2, 1);
            return t.dup('c').reshape('c', t.size(0) * t.size(1), t.size(2));
        }
        throw new IllegalArgumentException("landscape4j scores outputs of rank 2 or 3 (RNN), not "
                + java.util.Arrays.toString(a.shape()));
    }

    /** A label mask in the flat layout: a column {@code [n·T, 1]} or per output {@code [n·T, c]}; null when none. */
    private static INDArray mask(INDArray mask, INDArray output, DataType type, boolean nwc) {
        if (mask == null) {
            return null;
        }
        INDArray m = mask.castTo(type);
        if (output.rank() == 3) {
            return m.rank() == 3 ? flat(m, nwc) : m.dup('c').reshape('c', m.length(), 1);
        }
        return m.rank() == 1 ? m.reshape(m.length(), 1) : m;
    }
}
