package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.reduce3.HammingDistance;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Internal: a private copy of the user's network on which every landscape evaluation runs, so the user's model
 * (parameters, updater state, score, gradient buffer, input, batch-norm statistics, listeners) is never touched.
 * Dropout and weight noise are removed from the copy's configuration: evaluations are in inference mode and never
 * draw from ND4J's global random stream. Parameters are loaded with {@link #load(INDArray)} and moved in place
 * through {@link #params()}.
 *
 * <p>Loss and accuracy come from one forward pass: the output layer's loss function is applied to the network's
 * output with an identity activation (DL4J losses score activated outputs), with MCXENT's softmax clipping
 * reproduced, so one grid point costs one forward.
 */
public final class ProbeModel {
    private final Model copy;
    private final Heads heads;
    /** The single output's loss when {@link Row} scores points together, else null. */
    private final LossMCXENT crossEntropy;
    private final Map<Probe, RowBuffers> buffers = new IdentityHashMap<>();
    /** Exact gradients and Hessian-vector products of a plain MLP ({@link ExactMlp}); null: DL4J's gradient. */
    private ExactMlp exact;
    /** Exact products of a convolutional chain ({@link ExactChain}) or of a graph ({@link ExactGraph}); built on first use. */
    private Curvature.Path chain;
    private boolean chainChecked;
    /** The fast forward of a recurrent network ({@link RecurrentForward}), built on first use; null: none. */
    private RecurrentForward recurrent;
    private boolean recurrentChecked;
    /** Features and labels of the probes the exact path has seen, in the copy's data type. */
    private final Map<Probe, INDArray[]> typed = new IdentityHashMap<>();

    private ProbeModel(Model copy) {
        this.copy = copy;
        this.exact = ExactMlp.of(copy).orElse(null);
        this.heads = new Heads(copy);
        Heads.Head h = heads.list().get(0);
        crossEntropy = heads.list().size() == 1 && h.activation() instanceof ActivationSoftmax
                && (h.loss().getClass() == LossMCXENT.class || h.loss().getClass() == LossNegativeLogLikelihood.class)
                && ((LossMCXENT) h.loss()).getWeights() == null ? (LossMCXENT) h.loss() : null;
    }

    /**
     * A copy of {@code model} in its own data type, or in {@code dataType} (e.g. DOUBLE for finite differences). Built
     * from a clone of the configuration and a copy of the parameters, not with {@code clone()}: a cloned
     * ComputationGraph shares the original's listener list, and the updater state is not needed here.
     */
    public static ProbeModel of(Model model, DataType dataType) {
        Model c = Models.copy(model, dataType);
        io.github.landscape4j.engine.internal.LayerHelpers.install(c);
        for (Layer l : Models.layers(c)) {
            if (l.conf().getLayer() instanceof BaseLayer b) {
                b.setIDropout(null);
                b.setWeightNoise(null);
            } else {
                l.conf().getLayer().setIDropout(null);
            }
        }
        return new ProbeModel(c);
    }

    /** The copy's live parameter vector (rank 1): writes move the copy. */
    public INDArray params() {
        INDArray p = copy.params();
        return p.rank() == 1 ? p : p.reshape(p.length());
    }

    public DataType dataType() {
        return copy.params().dataType();
    }

    /** Loads parameters (any data type) into the copy. */
    public void load(INDArray params) {
        params().assign(params.reshape(params.length()));
    }

    /** Loss, standard error and accuracy on {@code probe} at the copy's current parameters; one forward pass. */
    public Evaluation evaluate(Probe probe) {
        return score(outputs(probe), probe, true);
    }

    /** Loss with its standard error, per-output losses, accuracy and regression errors; one forward pass. */
    public ProbeReport report(Probe probe) {
        return heads.report(outputs(probe), probe, true);
    }

    /** The units of its losses, in words (see {@link Heads}). */
    public String lossUnits() {
        return heads.units();
    }

    /**
     * Whether its losses (and gradients) are sums over the probe's examples, as DL4J scores a {@code miniBatch(false)}
     * network, rather than means.
     */
    public boolean summedOverExamples() {
        return heads.summedOverExamples();
    }

    /** Loss and accuracy without the standard error (NaN): what a grid point needs. */
    public Evaluation evaluatePoint(Probe probe) {
        Row row = row(probe, 1);
        row.add(outputs(probe));
        return row.finish()[0];
    }

    /** The network's outputs on {@code probe} at the copy's current parameters (new arrays, owned by the caller). */
    public INDArray[] outputs(Probe probe) {
        INDArray[] own = recurrent() == null ? null : recurrent.output(probe);
        return own != null ? own : Models.output(copy, probe.features(), probe.featureMasks(), probe.labelMasks());
    }

    private RecurrentForward recurrent() {
        if (!recurrentChecked) {
            recurrentChecked = true;
            recurrent = RecurrentForward.of(copy, p -> Models.output(copy, p.features(), p.featureMasks(),
                    p.labelMasks())).orElse(null);
        }
        return recurrent;
    }

    /**
     * A scorer for the outputs of up to {@code points} points on {@code probe} (e.g. one grid row): see {@link Row}.
     * One row at a time per probe: rows of one probe share buffers.
     */
    public Row row(Probe probe, int points) {
        return new Row(probe, points);
    }

    /**
     * Loss (without standard error) and accuracy of several points' outputs on one probe, scored together. For the
     * common classifier (one softmax output scored by unweighted MCXENT or negative log-likelihood) each point
     * costs a copy of its output and an argmax into reused row buffers, and the whole row a clip, a log, one BLAS
     * matrix-vector product with the labels ({@code -y·log(clip(p))} per point) and one Hamming distance per point
     * to the probe's classes: the same numbers as {@code computeScoreArray} in a handful of ops, because on the CPU
     * backend each ND4J op costs more than its arithmetic here. Other networks are scored point by point.
     */
    public final class Row {
        private final Probe probe;
        private final RowBuffers b;
        private final List<Evaluation> scored = new ArrayList<>();
        private int count;

        private Row(Probe probe, int points) {
            this.probe = probe;
            this.b = crossEntropy == null || probe.masked() ? null
                    : buffers.computeIfAbsent(probe, p -> new RowBuffers(p, dataType())).fit(points);
        }

        /** Adds one point's outputs (owned by the row from now on). */
        public void add(INDArray[] outputs) {
            if (b == null || outputs[0].rank() != 2) {
                scored.add(score(outputs, probe, false));
                return;
            }
            INDArray out = outputs[0];
            b.fit(count + 1);
            b.outputs.getRow(count).assign(out.reshape(out.length()));
            if (b.predicted != null && heads.classifier(probe, 0)) {
                Nd4j.getExecutioner().exec(new ArgMax(new INDArray[]{out}, new INDArray[]{b.predicted.getRow(count)},
                        false, 1));
            }
            count++;
        }

        /**
         * Adds the outputs of {@code k} points of a single-output network stacked in one array (point {@code i}'s
         * rows {@code i·n..(i+1)·n}; read now, not kept).
         */
        public void addAll(INDArray stacked, int k) {
            long n = stacked.size(0) / k;
            if (b == null || stacked.rank() != 2) {
                for (int i = 0; i < k; i++) {
                    add(new INDArray[]{stacked.get(NDArrayIndex.interval(i * n, (i + 1) * n), NDArrayIndex.all())});
                }
                return;
            }
            b.fit(count + k);
            b.outputs.get(NDArrayIndex.interval(count, count + k), NDArrayIndex.all())
                    .assign(stacked.reshape(k, stacked.length() / k));
            if (b.predicted != null && heads.classifier(probe, 0)) {
                INDArray classes = Nd4j.create(b.predicted.dataType(), k * n);
                Nd4j.getExecutioner().exec(new ArgMax(new INDArray[]{stacked}, new INDArray[]{classes}, false, 1));
                b.predicted.get(NDArrayIndex.interval(count, count + k), NDArrayIndex.all())
                        .assign(classes.reshape(k, n));
            }
            count += k;
        }

        /**
         * Whether {@link #addLogits} applies: a row of the one-hot classifier this row scores in bulk (softmax with
         * unweighted cross-entropy, no masks) without points added otherwise.
         */
        public boolean takesLogits() {
            return b != null && b.predicted != null && heads.classifier(probe, 0) && count == 0;
        }

        /**
         * Scores {@code k} points from their stacked pre-softmax outputs {@code z} ({@code [k·n, c]}, overwritten)
         * without the softmax, whose per-row loop cost more than the rest of a grid row here: an example's loss is
         * {@code -log max(p_y, eps) = min(log Σ_j exp(z_j - z_y), -log eps)} (MCXENT's clipping; the label's logit as
         * the shift, so an overflow means {@code p_y} below {@code eps}), its prediction the argmax of {@code z}
         * (that of the softmax, but for exact float ties of saturated probabilities). Only when {@link #takesLogits}.
         */
        public void addLogits(INDArray z, int k) {
            long n = probe.size();
            long c = z.size(1);
            b.fit(k);
            INDArray predicted = b.predicted.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            INDArray classes = Nd4j.create(predicted.dataType(), (long) k * n);
            Nd4j.getExecutioner().exec(new ArgMax(new INDArray[]{z}, new INDArray[]{classes}, false, 1));
            predicted.assign(classes.reshape(k, n));
            INDArray wrong = Nd4j.getExecutioner().exec(new HammingDistance(predicted,
                    b.classes.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()), 1));
            INDArray label = b.outputs.get(NDArrayIndex.interval(0, k), NDArrayIndex.all())
                    .assign(z.reshape(k, n * c)).muliRowVector(b.labels.reshape(1, n * c));
            INDArray zy = label.reshape((long) k * n, c).mmul(b.ones()); // the label's logit (0 in an unlabelled row)
            INDArray losses = Transforms.log(Transforms.exp(z.subiColumnVector(zy), false).mmul(b.ones()), false);
            double eps = crossEntropy.getSoftmaxClipEps();
            if (eps > 0) {
                Transforms.min(losses, -Math.log(eps), false);
                if (losses.dataType() != DataType.FLOAT || (float) (1.0 - eps) < 1.0f) { // 1 - eps is 1 in float
                    Transforms.max(losses, -Math.log(1.0 - eps), false);
                }
            }
            INDArray sums = losses.reshape(k, n).mmul(b.rowWeights());
            double scale = heads.weight(0, n) / n;
            for (int i = 0; i < k; i++) {
                scored.add(new Evaluation(sums.getDouble(i) * scale, Double.NaN, 1.0 - wrong.getDouble(i)));
            }
        }

        /** Loss and accuracy of each point added, in order. */
        public Evaluation[] finish() {
            if (count == 0) {
                return scored.toArray(new Evaluation[0]);
            }
            INDArray out = b.outputs.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
            INDArray sums;
            if (heads.classifier(probe, 0)) {
                // one-hot labels (or none in a row): only the label's probability enters, so gather it first and
                // clip and log n values per point instead of n·c (the logarithm dominated this row's cost)
                long n = probe.size();
                INDArray py = out.muliRowVector(b.labels.reshape(1, b.labels.length()))
                        .reshape((long) count * n, b.labels.length() / n).mmul(b.ones());
                sums = Transforms.log(clip(py), false).reshape(count, n).mmul(b.rowWeights());
            } else {
                sums = Transforms.log(clip(out), false).mmul(b.labels);
            }
            INDArray wrong = b.predicted == null || !heads.classifier(probe, 0) ? null : Nd4j.getExecutioner().exec(new HammingDistance(
                    b.predicted.get(NDArrayIndex.interval(0, count), NDArrayIndex.all()),
                    b.classes.get(NDArrayIndex.interval(0, count), NDArrayIndex.all()), 1));
            Evaluation[] e = new Evaluation[count];
            double scale = heads.weight(0, probe.size()) / probe.size();
            boolean classifier = heads.classifier(probe, 0);
            for (int i = 0; i < count; i++) {
                e[i] = new Evaluation(-sums.getDouble(i) * scale, Double.NaN,
                        wrong == null || !classifier ? Double.NaN : 1.0 - wrong.getDouble(i));
            }
            count = 0;
            return e;
        }

        /** MCXENT's clipping of probabilities to {@code [eps, 1 - eps]} (in place). */
        private INDArray clip(INDArray p) {
            double eps = crossEntropy.getSoftmaxClipEps();
            if (eps > 0) {
                Transforms.max(p, eps, false);
                if (p.dataType() != DataType.FLOAT || (float) (1.0 - eps) < 1.0f) { // 1 - eps is 1 in float
                    Transforms.min(p, 1.0 - eps, false);
                }
            }
            return p;
        }
    }

    /**
     * Loss, standard error (when {@code withError}) and accuracy of network outputs (one per network output, owned by
     * the caller and overwritten) against the probe's labels, in DL4J's units (see {@link Heads}).
     */
    public Evaluation score(INDArray[] outputs, Probe probe, boolean withError) {
        return heads.report(outputs, probe, withError).evaluation();
    }

    /**
     * Gradient of the probe loss (without regularization, in the units of {@link #evaluate}: of the mean over
     * examples, or of the sum for a network that is not mini-batch) at the copy's current parameters, as a new
     * array: the exact path's, {@link RecurrentGradient}'s for a recurrent network, else DL4J's training-mode
     * backpropagation on the copy (dropout removed; batch-norm layers use the probe's batch statistics there).
     */
    public INDArray gradient(Probe probe) {
        Supplier<INDArray> dl4j = () -> Models.gradient(copy, probe.features(), probe.labels(),
                probe.featureMasks(), probe.labelMasks());
        INDArray g = exact(probe) ? exact.gradient(params(), typed(probe)[0], typed(probe)[1])
                : recurrent() == null ? null : recurrent.gradient(probe, dl4j);
        return (g != null ? g : dl4j.get()).divi(probe.size() / heads.weight(0, probe.size()));
    }

    /** Exact curvature at the copy's parameters on {@code probe}, else empty (finite differences of gradients). */
    public Optional<Curvature> curvature(Probe probe) {
        double scale = heads.weight(0, probe.size()) / probe.size();
        if (exact(probe)) {
            return Optional.of(new Curvature(exact.centre(params(), typed(probe)[0], typed(probe)[1]), scale));
        }
        if (!chained(probe)) {
            return Optional.empty();
        }
        INDArray[] t = typed(probe);
        return chain.centre(params(), t[0], t[1]).map(c -> new Curvature(c, scale));
    }

    /** Whether {@link ExactChain} or {@link ExactGraph} covers the copy on {@code probe} (built on first use). */
    private boolean chained(Probe probe) {
        if (!chainChecked) {
            chainChecked = true;
            chain = exact != null ? null : ExactChain.of(copy).<Curvature.Path>map(c -> c)
                    .or(() -> ExactGraph.of(copy)).orElse(null);
        }
        return chain != null && (dataType() == DataType.FLOAT || dataType() == DataType.DOUBLE)
                && !probe.masked() && probe.features().length == 1 && probe.labels()[0].rank() == 2;
    }

    /** Frees the exact path's scratch memory on the calling thread (after a snapshot). */
    public void release() {
        if (exact != null) {
            exact.release();
        }
        if (chain != null) {
            chain.release();
        }
        if (recurrent != null) {
            recurrent.release();
        }
    }

    /** Turns the exact path off (DL4J's backpropagation and finite differences), for tests that compare the two. */
    public ProbeModel withoutExactPath() {
        exact = null;
        chain = null;
        chainChecked = true; // and never built
        recurrentChecked = true;
        recurrent = null;
        return this;
    }

    /**
     * Whether {@link #curvature} is exact on {@code probe} (a plain MLP, a convolutional chain or graph, float or
     * double, no masks); a max pooling may still turn out not to tile its input at the centre (then empty).
     */
    public boolean hasExactCurvature(Probe probe) {
        return exact(probe) || chained(probe);
    }

    private boolean exact(Probe probe) {
        return exact != null && (dataType() == DataType.FLOAT || dataType() == DataType.DOUBLE) // not half precision
                && !probe.masked() && probe.features().length == 1 && probe.features()[0].rank() == 2
                && probe.labels()[0].rank() == 2;
    }

    private INDArray[] typed(Probe probe) {
        if (!typed.containsKey(probe) && typed.size() >= 4) {
            typed.clear(); // a run's train and validation probes, and the previous snapshot's if they changed
        }
        return typed.computeIfAbsent(probe, p -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return new INDArray[]{p.features()[0].castTo(dataType()).dup('c'),
                        p.labels()[0].castTo(dataType()).dup('c')};
            }
        });
    }

    /** The copy, for evaluation paths that run its layers themselves. */
    Model network() {
        return copy;
    }
}
