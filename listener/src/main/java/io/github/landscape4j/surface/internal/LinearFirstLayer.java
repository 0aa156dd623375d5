package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.engine.internal.LayerHelpers;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Internal: the work shared across one plane (SCIENCE.md): a dense first layer computes {@code X·W + b}, linear in
 * {@code (W, b)}, so over a plane {@code X·(W0 + a·D1 + b·D2) + (b0 + a·e1 + b·e2) = P0 + a·P1 + b·P2} with
 * {@code P0 = X·W0 + b0}, {@code P1 = X·D1 + e1}, {@code P2 = X·D2 + e2}: three products per plane and probe
 * instead of one per point. Each point then costs a copy and two axpys into a reused pre-activation buffer,
 * the first layer's activation in place, and a forward pass through the remaining layers (inference mode, on the
 * private copy) inside a workspace of this path, so that after the first point no array is allocated afresh.
 * Applies to a MultiLayerNetwork whose first layer is a {@link DenseLayer} without layer normalization or input
 * preprocessor, or a 2D {@link ConvolutionLayer} (any input preprocessor, padding mode, stride, dilation or data
 * format): a convolution is linear in its kernel and bias too, {@code conv(X, W0 + a·D1 + b·D2) + ... = P0 + a·P1 +
 * b·P2}, and its three products come from DL4J's own layer on a one-layer copy with an identity activation, so
 * they follow the layer's configuration exactly. A convolution's products hold {@code 3·n} feature maps per probe,
 * so the path is used for a probe only when they fit {@link #MAX_BASIS_VALUES}.
 */
public final class LinearFirstLayer {
    /**
     * Values the kept products of one probe may hold (3 feature maps or pre-activations per example): 48M, 192 MB in
     * float. A probe whose products would not fit is evaluated with full forwards.
     */
    public static final long MAX_BASIS_VALUES = 48L << 20;

    private final MultiLayerNetwork net;
    private final ParameterTensor weights;
    private final ParameterTensor bias;
    private final BaseLayer first;
    /** The first layer alone with an identity activation (a convolution's products); null for a dense layer. */
    private final MultiLayerNetwork firstOnly;
    private final long tailStart;
    /** Per example shape of the first layer's output (a convolution's {@code [C, H, W]}), once known. */
    private long[] outShape;
    /** The layers past the first, batched over a row's points; null: point by point. */
    private final DenseTail denseTail;
    private final Scratch scratch = new Scratch("linear");
    private final LayerWorkspaceMgr mgr = scratch.layers();
    private final KeptBuffers buffers = new KeptBuffers();
    /** The kept products of the last plane or line on each probe. */
    private final Map<Probe, INDArray> bases = new IdentityHashMap<>();

    /**
     * The shared products of one plane (or line: no {@code P2}) for one probe, as the rows {@code P1, P0 (, P2)} of a
     * buffer kept for that probe (valid until the next plane or line on it), and the non-batched path's copies.
     */
    public static final class Plane {
        private final INDArray basis;
        private final long n;
        private final long[] shape;
        private INDArray p0;
        private INDArray p1;
        private INDArray p2;
        private INDArray z;

        private Plane(INDArray basis, long n, long[] shape) {
            this.basis = basis;
            this.n = n;
            this.shape = shape;
        }

        /** {@code P1, P0, P2} as {@code [n, h]} arrays and the pre-activation buffer, for {@link #addPoint}. */
        private void split() {
            if (z == null) {
                p1 = basis.getRow(0).dup().reshape(shape);
                p0 = basis.getRow(1).dup().reshape(shape);
                p2 = basis.size(0) == 3 ? basis.getRow(2).dup().reshape(shape) : null;
                z = p0.ulike();
            }
        }
    }

    /**
     * Values a batch of a row's points may hold at once (floats of the widest layer's activations): 64 MB. Smaller
     * batches (a few points, to stay in the caches) measured slower: per-operation costs outweigh memory traffic.
     */
    private long batchValues = 16L << 20;

    private LinearFirstLayer(MultiLayerNetwork net, ParameterTensor weights, ParameterTensor bias, BaseLayer first,
                             List<ParameterTensor> tensors) {
        this.net = net;
        this.weights = weights;
        this.bias = bias;
        this.first = first;
        this.tailStart = net.getLayer(0).numParams();
        this.firstOnly = first instanceof DenseLayer ? null : firstOnly(net);
        this.denseTail = DenseTail.of(net, tensors, tailStart).orElse(null);
    }

    /** A one-layer network: {@code net}'s first layer (and its input preprocessor) with an identity activation. */
    private static MultiLayerNetwork firstOnly(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        NeuralNetConfiguration layer = conf.getConf(0).clone();
        ((BaseLayer) layer.getLayer()).setActivationFn(new ActivationIdentity());
        conf.setConfs(new ArrayList<>(List.of(layer)));
        InputPreProcessor pre = conf.getInputPreProcess(0);
        conf.setInputPreProcessors(new HashMap<>());
        if (pre != null) {
            conf.getInputPreProcessors().put(0, pre);
        }
        MultiLayerNetwork one = new MultiLayerNetwork(conf);
        one.init(net.params().get(NDArrayIndex.interval(0, net.getLayer(0).numParams())).dup()
                .reshape(1, net.getLayer(0).numParams()), false);
        LayerHelpers.install(one);
        return one;
    }

    /** The shared-work path for this copy, when its first layer allows it. */
    public static Optional<LinearFirstLayer> of(ProbeModel model, List<ParameterTensor> tensors) {
        if (!(model.network() instanceof MultiLayerNetwork net) || net.getnLayers() < 2) {
            return Optional.empty();
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(0).conf().getLayer();
        boolean dense = conf instanceof DenseLayer d && !d.hasLayerNorm()
                && net.getLayerWiseConfigurations().getInputPreProcess(0) == null;
        if (conf.getClass() == ConvolutionLayer.class) {
            return Optional.of(new LinearFirstLayer(net, null, null, (BaseLayer) conf, tensors));
        }
        if (!dense) {
            return Optional.empty();
        }
        ParameterTensor w = tensors.stream().filter(t -> t.name().equals("0_W")).findFirst().orElse(null);
        ParameterTensor b = tensors.stream().filter(t -> t.name().equals("0_b")).findFirst().orElse(null);
        if (w == null || w.shape().length != 2) {
            return Optional.empty();
        }
        return Optional.of(new LinearFirstLayer(net, w, b, (DenseLayer) conf, tensors));
    }

    /** The two products of one line {@code base + α·d} for one probe: {@code P0, P1}, biases folded in. */
    public Plane line(INDArray base, INDArray d, Probe probe) {
        return products(probe, base, d, null);
    }

    /** The three products of one plane for one probe: {@code P0, P1, P2}, biases folded in. */
    public Plane plane(INDArray theta, INDArray d1, INDArray d2, Probe probe) {
        return products(probe, theta, d1, d2);
    }

    /**
     * Whether a plane's kept products on {@code probe} fit {@link #MAX_BASIS_VALUES} (a dense layer's always do up to
     * 16,000 units at 1,000 examples; a convolution's hold feature maps).
     */
    public boolean fits(Probe probe) {
        return 3 * probe.size() * perExample(probe) <= MAX_BASIS_VALUES;
    }

    /** Values of the first layer's output per example. */
    private long perExample(Probe probe) {
        if (firstOnly == null) {
            return weights.shape()[1];
        }
        if (outShape == null) {
            INDArray one = probe.features()[0].get(NDArrayIndex.interval(0, 1)).castTo(net.params().dataType());
            long[] s = firstOnly.output(one, false).shape();
            outShape = java.util.Arrays.copyOfRange(s, 1, s.length);
        }
        long h = 1;
        for (long v : outShape) {
            h *= v;
        }
        return h;
    }

    private Plane products(Probe probe, INDArray centre, INDArray d1, INDArray d2) {
        INDArray x = probe.features()[0].castTo(centre.dataType());
        long n = x.size(0);
        long h = perExample(probe);
        // kept per probe (train and validation planes are used together), shared by planes and lines
        INDArray kept = bases.get(probe);
        if (kept == null) {
            if (bases.size() >= 2) {
                bases.clear(); // another request's probes
            }
            kept = buffers.get("basis" + bases.size(), centre.dataType(), 3, n * h);
            bases.put(probe, kept);
        }
        INDArray basis = d2 == null ? kept.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all()) : kept;
        product(x, d1, basis.getRow(0));
        product(x, centre, basis.getRow(1));
        if (d2 != null) {
            product(x, d2, basis.getRow(2));
        }
        long[] shape = new long[1 + (firstOnly == null ? 1 : outShape.length)];
        shape[0] = n;
        if (firstOnly == null) {
            shape[1] = h;
        } else {
            System.arraycopy(outShape, 0, shape, 1, outShape.length);
        }
        return new Plane(basis, n, shape);
    }

    /**
     * {@code X·W + b} (dense) or {@code conv(X, W) + b} of flat vector {@code flat}'s first-layer tensors, flattened
     * into {@code into}.
     */
    private void product(INDArray x, INDArray flat, INDArray into) {
        if (firstOnly != null) {
            firstOnly.params().assign(flat.get(NDArrayIndex.interval(0, tailStart)).reshape(1, tailStart));
            into.assign(firstOnly.output(x, false).reshape(into.length()));
            return;
        }
        long[] s = weights.shape();
        INDArray w = buffers.get("w", flat.dataType(), s[0] * s[1]).assign(Directions.segment(flat, weights))
                .reshape('f', s[0], s[1]);
        INDArray p = buffers.get("product", flat.dataType(), x.size(0), s[1]);
        Nd4j.gemm(x, w, p, false, false, 1.0, 0.0);
        if (bias != null) {
            p.addiRowVector(Directions.segment(flat, bias).reshape(1, bias.length()));
        }
        into.assign(p.reshape(p.length()));
    }

    /**
     * Adds the outputs at {@code θ + a·d1 + b·d2} on the plane's probe to {@code row} (a row of that probe); the copy's parameters past
     * the first layer ({@link #tail}) must already hold that point.
     */
    public void addPoint(Plane plane, double a, double b, ProbeModel.Row row) {
        plane.split();
        INDArray z = plane.z.assign(plane.p0);
        // ND4J's own axpy, not BLAS's: on the CPU backend each switch between BLAS calls and ND4J's ops waits on
        // thread pools (measured here: 0.4 ms for the three ops vs 1-5 ms with BLAS axpys between ND4J ops)
        Nd4j.exec(new Axpy(plane.p1, z, z, a));
        if (plane.p2 != null) { // null on a line
            Nd4j.exec(new Axpy(plane.p2, z, z, b));
        }
        try (MemoryWorkspace ws = scratch.open()) {
            INDArray act = first.getActivationFn().getActivation(z, false);
            long batch = act.size(0);
            for (int i = 1; i < net.getnLayers(); i++) {
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) {
                    act = pre.preProcess(act, (int) batch, mgr);
                }
                act = net.getLayer(i).activate(act, false, mgr);
            }
            row.add(new INDArray[]{act}); // copied out of the workspace
            for (int i = 1; i < net.getnLayers(); i++) {
                net.getLayer(i).clear(); // its input lived in the workspace
            }
        }
    }

    /** Caps the values a batch of a row's points holds (tests: rows in several batches). */
    public LinearFirstLayer batchValues(long values) {
        this.batchValues = values;
        return this;
    }

    /** Whether whole rows go through the rest of the network at once ({@link #addRow}): an MLP. */
    public boolean batched() {
        return denseTail != null;
    }

    /**
     * Adds the outputs at {@code θ + a·d1 + b·d2} for every {@code a} of {@code as} to {@code row}, the rest of the
     * network evaluated for the whole row at once ({@link DenseTail}); {@code tailBase} holds the parameters past the
     * first layer at {@code (0, b)} ({@link #tail} of {@code θ + b·d2}) and {@code tailD1} those of {@code d1}. The
     * copy's own parameters are not read. Only when {@link #batched()}.
     */
    public void addRow(Plane plane, double[] as, double b, INDArray tailBase, INDArray tailD1, ProbeModel.Row row) {
        long n = plane.n;
        INDArray basis = plane.basis;
        long h = basis.size(1) / n;
        int chunk = (int) Math.max(1, Math.min(as.length, batchValues / (n * Math.max(h, denseTail.widest()))));
        for (int from = 0; from < as.length; from += chunk) {
            int k = Math.min(chunk, as.length - from);
            try (MemoryWorkspace ws = scratch.open()) {
                double[] coefficients = new double[k * (int) basis.size(0)];
                for (int i = 0; i < k; i++) { // point i's row: (a_i, 1, b) against (P1, P0, P2)
                    coefficients[i * (int) basis.size(0)] = as[from + i];
                    coefficients[i * (int) basis.size(0) + 1] = 1;
                    if (basis.size(0) == 3) {
                        coefficients[i * 3 + 2] = b;
                    }
                }
                INDArray coef = Nd4j.createFromArray(coefficients).castTo(basis.dataType()).reshape(k, basis.size(0));
                INDArray a = coef.getColumn(0).dup().reshape(k, 1);
                // a_i·P1 + P0 + b·P2 for every point in one matrix product into a kept buffer: one pass over the
                // row's pre-activations (broadcast ops took four; mmul allocates and reorders its result)
                INDArray stacked = denseTail.buffer("first", k, n * h);
                Nd4j.gemm(coef, basis, stacked, false, false, 1.0, 0.0);
                INDArray act = first.getActivationFn().getActivation(stacked.reshape(k * n, h), false);
                if (row.takesLogits()) { // a softmax classifier's row: no softmax
                    row.addLogits(denseTail.forward(act, a, tailBase, tailD1, true), k);
                } else {
                    row.addAll(denseTail.forward(act, a, tailBase, tailD1), k); // copied out of the workspace
                }
            }
        }
    }

    /**
     * The part of a flat parameter vector past the first layer (a view): the only parameters a point of this path
     * reads from the copy, since the first layer's enter through the plane's products.
     */
    public INDArray tail(INDArray flat) {
        return flat.get(NDArrayIndex.interval(tailStart(), flat.length()));
    }

    private long tailStart() {
        return tailStart;
    }

    /** Frees this path's workspace on the calling thread (after a plane). */
    public void release() {
        scratch.release();
    }
}
