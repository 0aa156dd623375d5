package io.github.landscape4j.surface.internal;

import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Internal: the layers past a dense first layer, when they are dense layers and an {@link OutputLayer} (an MLP),
 * evaluated for several points of one grid row at once. Along a row ({@code b} fixed) layer {@code l}'s weights are
 * {@code W_b + a·D} with {@code W_b = W + b·D2} and {@code D = D1}'s block, so for the stacked hidden activations
 * {@code H} of {@code k} points ({@code [k·n, nIn]}) its pre-activations are {@code H·W_b + a_i·(H·D)} per point
 * block plus the bias {@code c_b + a_i·e}: two matrix products for the whole row instead of one small forward per
 * point, which on the CPU backend costs more in per-operation overhead than in arithmetic.
 */
final class DenseTail {
    /** A layer of the chain: weights {@code [nIn, nOut]}, bias (null: none), activation. */
    record Step(ParameterTensor w, ParameterTensor b, IActivation activation) {
    }

    private final List<Step> steps;
    private final long widest;
    private final org.nd4j.linalg.api.buffer.DataType type;
    private final KeptBuffers buffers = new KeptBuffers();
    private final long tailOffset;

    private DenseTail(List<Step> steps, long tailOffset, org.nd4j.linalg.api.buffer.DataType type) {
        this.steps = steps;
        this.type = type;
        this.tailOffset = tailOffset;
        this.widest = steps.stream().mapToLong(s -> s.w().shape()[1]).max().orElse(1);
    }

    /** The batched tail of {@code net} (layers 1..), when every one of them is a plain dense or output layer. */
    static Optional<DenseTail> of(MultiLayerNetwork net, List<ParameterTensor> tensors, long tailOffset) {
        return from(net, tensors, 1, tailOffset);
    }

    /**
     * The layers {@code first..} of {@code net} when they are plain dense layers and a last {@link OutputLayer}, with
     * their tensors at offsets relative to {@code tailOffset} in the flat vectors passed to them (0: whole vectors).
     */
    static Optional<DenseTail> from(MultiLayerNetwork net, List<ParameterTensor> tensors, int first, long tailOffset) {
        return layers(net, tensors, first)
                .filter(layers -> !layers.isEmpty() && layers.stream().allMatch(l -> l.w().offset() >= tailOffset))
                .map(layers -> new DenseTail(layers, tailOffset, net.params().dataType()));
    }

    /**
     * The layers {@code first..} of {@code net}, each with its weight and bias tensors and its activation, when they
     * are dense layers without layer normalization and a last {@link OutputLayer}, none with an input preprocessor,
     * each with a 2D weight tensor; else empty. The one check of what a plain dense chain (an MLP's tail) is.
     */
    static Optional<List<Step>> layers(MultiLayerNetwork net, List<ParameterTensor> tensors, int first) {
        List<Step> steps = new ArrayList<>();
        for (int i = first; i < net.getnLayers(); i++) {
            Object conf = net.getLayer(i).conf().getLayer();
            boolean last = i == net.getnLayers() - 1;
            boolean dense = conf instanceof DenseLayer d && !d.hasLayerNorm() && !last;
            boolean output = conf instanceof OutputLayer && last;
            if (!(dense || output) || net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                return Optional.empty();
            }
            ParameterTensor w = find(tensors, i + "_W");
            if (w == null || w.shape().length != 2) {
                return Optional.empty();
            }
            steps.add(new Step(w, find(tensors, i + "_b"),
                    ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf).getActivationFn()));
        }
        return Optional.of(List.copyOf(steps));
    }

    /** Step {@code l}'s weight tensor. */
    ParameterTensor weights(int l) {
        return steps.get(l).w();
    }

    /** How many layers this tail has. */
    int size() {
        return steps.size();
    }

    /** Adds step {@code l}'s bias of {@code flat} (unperturbed) to {@code z} in place and applies its activation. */
    INDArray finish(INDArray z, int l, INDArray flat) {
        Step s = steps.get(l);
        if (s.b() != null) {
            z.addiRowVector(vector(flat, s.b()).reshape(1, s.b().length()));
        }
        return s.activation().getActivation(z, false);
    }

    private static ParameterTensor find(List<ParameterTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** The widest layer's outputs per example: the chunk of points batched together is sized by it. */
    long widest() {
        return widest;
    }

    /**
     * The network's outputs ({@code [k·n, nOut]}, point {@code i}'s rows {@code i·n..(i+1)·n}) of {@code k} points
     * from their stacked first-layer activations {@code h} ({@code [k·n, nIn]}); {@code a} ({@code [k, 1]}) holds
     * their {@code a}, {@code tailBase} the parameters past the first layer at {@code a = 0} of the row, {@code
     * tailD1} the row's direction there.
     */
    INDArray forward(INDArray h, INDArray a, INDArray tailBase, INDArray tailD1) {
        return forward(h, a, tailBase, tailD1, false);
    }

    /** As above; with {@code logits}, the last layer's pre-activations (its activation is not applied). */
    INDArray forward(INDArray h, INDArray a, INDArray tailBase, INDArray tailD1, boolean logits) {
        long k = a.length();
        long n = h.size(0) / k;
        INDArray act = h;
        for (Step s : steps) {
            long[] shape = s.w().shape();
            long out = shape[1];
            // point i's rows times its own weights W_b + a_i·D: one pass over the row's activations, each product
            // into its block of a kept buffer (one product with [W_b | D] then combining its halves per point took
            // strided ops that cost as much as the product; mmul allocates its result, ~7x the product)
            INDArray base = matrix(tailBase, s.w());
            INDArray dir = matrix(tailD1, s.w());
            INDArray wi = buffer("w" + s.w().name(), shape[0], out);
            INDArray z = buffer("z" + s.w().name(), k * n, out);
            for (int i = 0; i < k; i++) {
                Nd4j.exec(new Axpy(dir, base, wi, a.getDouble(i))); // W_b + a_i·D in one op
                Nd4j.gemm(act.get(NDArrayIndex.interval(i * n, (i + 1) * n), NDArrayIndex.all()), wi,
                        z.get(NDArrayIndex.interval(i * n, (i + 1) * n), NDArrayIndex.all()), false, false, 1.0, 0.0);
            }
            if (s.b() != null) {
                // point i's bias c_b + a_i·e on each of its n rows: z viewed as [k, n·out] plus (1, a_i)·(c_b, e)
                // tiled n times, one rank-2 product (a broadcast over the [k, n, out] view cost as much as the
                // row's products)
                INDArray both = buffer("bias" + s.b().name(), 2, n * out);
                both.getRow(0).assign(Nd4j.tile(vector(tailBase, s.b()).reshape(1, out), 1, (int) n));
                both.getRow(1).assign(Nd4j.tile(vector(tailD1, s.b()).reshape(1, out), 1, (int) n));
                INDArray ones = buffer("ones", k, 1).assign(1);
                Nd4j.gemm(Nd4j.hstack(ones, a), both, z.reshape(k, n * out), false, false, 1.0, 1.0);
            }
            act = logits && s == steps.get(steps.size() - 1) ? z : s.activation().getActivation(z, false);
        }
        return act;
    }

    /**
     * A kept {@code [rows, cols]} buffer of the model's type named {@code name} (train and validation probes of the
     * same size share it); its contents are undefined.
     */
    INDArray buffer(String name, long rows, long cols) {
        return buffers.get(name, type, rows, cols);
    }

    /** A contiguous {@code [nIn, nOut]} copy of dense weight tensor {@code t} of a flat vector (DL4J's 'f' order). */
    INDArray matrix(INDArray tail, ParameterTensor t) {
        return matrix(tail, t, tailOffset);
    }

    private INDArray vector(INDArray tail, ParameterTensor t) {
        return vector(tail, t, tailOffset);
    }

    /**
     * A contiguous {@code [nIn, nOut]} copy of dense weight tensor {@code t} of a flat vector that starts at parameter
     * {@code start} of the network (DL4J keeps dense weights in 'f' order).
     */
    static INDArray matrix(INDArray flat, ParameterTensor t, long start) {
        return vector(flat, t, start).reshape('f', t.shape()[0], t.shape()[1]);
    }

    /** A contiguous copy of tensor {@code t} of such a vector (views with an offset do not reshape reliably). */
    static INDArray vector(INDArray flat, ParameterTensor t, long start) {
        long from = t.offset() - start;
        return flat.get(NDArrayIndex.interval(from, from + t.length())).dup();
    }
}
