package io.github.landscape4j.surface.internal;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Internal: the parameter gradient of a convolution that reads the network input (NCHW), as one matrix product of its
 * error with the input's im2col, which depends only on the probe: {@code g_W = δ·cols}, {@code g_b = Σ δ}. DL4J's
 * backward pass computes the same and also the error of the network input, which nothing needs; with oneDNN's kernels
 * that pass took 1.2 s of a 2.4 s Hessian-vector product of the residual graph over 2,000 images (one input
 * channel). The same im2col and padding as DL4J's own convolution backward ({@code ConvolutionLayer}); {@link
 * ExactGraph} compares it with DL4J's backward at the first centre and drops it on a mismatch.
 */
final class FirstConvolution {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.github.landscape4j");
    private final ConvolutionLayer conf;
    private final long weights;
    private final long bias;
    private final long biasLength;

    /** Layer {@code conf}'s gradient goes to {@code weights} and {@code bias} (-1: none) of the flattened vector. */
    FirstConvolution(ConvolutionLayer conf, long weights, long bias, long biasLength) {
        this.conf = conf;
        this.weights = weights;
        this.bias = bias;
        this.biasLength = biasLength;
    }

    /** Whether {@code conf} is a convolution this class computes (NCHW, no dilation). */
    static boolean takes(ConvolutionLayer conf) {
        return conf.getCnn2dDataFormat() != CNN2DFormat.NHWC
                && java.util.Arrays.stream(conf.getDilation()).allMatch(d -> d == 1);
    }

    /**
     * The gradient of layer {@code name} (configuration {@code conf}) by im2col, its blocks found in {@code tensors};
     * null unless it is a plain {@code ConvolutionLayer} this class {@link #takes} with a weight tensor.
     */
    static FirstConvolution of(org.deeplearning4j.nn.conf.layers.Layer conf, String name,
                               java.util.List<io.github.landscape4j.store.ParameterTensor> tensors) {
        if (!(conf instanceof ConvolutionLayer conv && conv.getClass() == ConvolutionLayer.class && takes(conv))) {
            return null;
        }
        var w = OutputHead.tensor(tensors, name + "_W");
        var b = OutputHead.tensor(tensors, name + "_b");
        return w == null ? null : new FirstConvolution(conv, w.offset(), b == null ? -1 : b.offset(),
                b == null ? 0 : b.length());
    }

    /** The input's im2col {@code [n·outH·outW, inC·kH·kW]} ('c'), for errors of shape {@code [n, outC, outH, outW]}. */
    INDArray columns(INDArray input) {
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        ConvolutionMode mode = conf.getConvolutionMode();
        int[] pad;
        int[] outSize;
        if (mode == ConvolutionMode.Same) {
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, null, mode, dilation, CNN2DFormat.NCHW);
            pad = ConvolutionUtils.getSameModeTopLeftPadding(outSize, new int[]{(int) input.size(2),
                    (int) input.size(3)}, kernel, strides, dilation);
        } else {
            pad = conf.getPadding();
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, mode, dilation, CNN2DFormat.NCHW);
        }
        long n = input.size(0);
        long c = input.size(1);
        INDArray col = Nd4j.createUninitialized(input.dataType(), new long[]{n, outSize[0], outSize[1], c, kernel[0],
                kernel[1]}, 'c');
        Convolution.im2col(input, kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], dilation[0],
                dilation[1], mode == ConvolutionMode.Same, col.permute(0, 3, 4, 5, 1, 2));
        return col.reshape('c', n * outSize[0] * outSize[1], c * kernel[0] * kernel[1]);
    }

    /** Puts the gradient for pre-activation error {@code dz} ({@code [n, outC, outH, outW]}) into {@code g}. */
    void gradient(INDArray columns, INDArray dz, INDArray g) {
        long outC = dz.size(1);
        INDArray d2 = dz.permute(0, 2, 3, 1).dup('c').reshape(columns.size(0), outC); // [n·outH·outW, outC]
        INDArray gw = Nd4j.gemm(d2, columns, true, false); // [outC, inC·kH·kW]: W's 'c' layout
        g.get(NDArrayIndex.interval(weights, weights + gw.length())).assign(gw.reshape(gw.length()));
        if (bias >= 0) {
            g.get(NDArrayIndex.interval(bias, bias + biasLength)).assign(d2.sum(0));
        }
    }

    /**
     * Whether its gradient for error {@code dz} equals the layer's block {@code [from, to)} of {@code g} that DL4J's
     * backward pass wrote, within rounding (1e-4 relative in float, 1e-9 in double); logs once when not.
     */
    boolean agrees(INDArray columns, INDArray dz, INDArray g, long from, long to, String layer) {
        INDArray mine = Nd4j.zeros(g.dataType(), g.length());
        gradient(columns, dz, mine);
        INDArray reference = Nd4j.zeros(g.dataType(), g.length());
        reference.get(NDArrayIndex.interval(from, to)).assign(g.get(NDArrayIndex.interval(from, to)));
        double scale = Math.max(reference.norm2Number().doubleValue(), Double.MIN_NORMAL);
        double off = mine.subi(reference).norm2Number().doubleValue() / scale;
        if (off <= (g.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? 1e-9 : 1e-4)) {
            return true;
        }
        LOG.info("landscape4j: the gradient of input convolution {} by im2col differs from DL4J's by {} (relative);"
                + " DL4J's backward pass is used", layer, off);
        return false;
    }
}
