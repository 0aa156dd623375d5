package io.github.landscape4j.engine.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Internal: gives the convolution, pooling and batch-norm layers of a private copy (never the user's model) the
 * layer helpers DL4J ships for the CPU backend, which run each layer as one libnd4j operation ({@code conv2d},
 * {@code maxpool2d}/{@code avgpool2d}, {@code batchnorm}, and their backward ops). Not local response normalization:
 * its helper's outputs differ from DL4J's layer by 3e-4 in double precision ({@code LayerHelpersTest}).
 *
 * <p>Why: DL4J 1.0.0-M2.1 creates no layer helper unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false} and ND4J reports oneDNN, so its layers compute a
 * convolution with a Java-side im2col, reshapes and a matrix product. Measured on a 2-core machine with the default
 * {@code linux-x86_64} backend ({@code bench.sh snapshot-cnn}): a LeNet-like CNN's forward over 2,000 examples took
 * 724 ms that way and 333 ms with these helpers, which call libnd4j's own convolution; with the
 * {@code linux-x86_64-onednn-avx2} backend, whose operations run on oneDNN, 44 ms. Outputs agree with DL4J's own
 * path to float rounding (tests compare outputs and gradients in double precision).
 *
 * <p>Only exact classes get helpers: subclasses of these layers (deconvolution, depthwise, separable and 1D
 * convolution, 1D pooling) compute something else. Pooling only for max and average. A helper that fails at run
 * time is dropped by DL4J's own fallback (the layer's {@code cudnnAllowFallback}, on by default). Only on the CPU
 * backend: on CUDA, DL4J's cuDNN helpers are the user's choice.
 */
public final class LayerHelpers {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static volatile boolean failed;

    private LayerHelpers() {
    }

    /** Installs the helpers on {@code copy}'s layers; returns how many layers got one. */
    public static int install(Model copy) {
        if (failed || !cpu()) {
            return 0;
        }
        int installed = 0;
        try {
            for (Layer l : Models.layers(copy)) {
                installed += install(unwrap(l), copy.params().dataType()) ? 1 : 0;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failed = true;
            LOG.warn("landscape4j: cannot give the engine's copy native layer operations ({}); snapshots use DL4J's"
                    + " built-in layer code", e.toString());
        }
        return installed;
    }

    private static boolean install(Layer l, DataType type) throws ReflectiveOperationException {
        Class<?> c = l.getClass();
        if (c == ConvolutionLayer.class) {
            return set(l, ConvolutionLayer.class, new MKLDNNConvHelper(type));
        }
        if (c == SubsamplingLayer.class) {
            PoolingType p = ((org.deeplearning4j.nn.conf.layers.SubsamplingLayer) l.conf().getLayer()).getPoolingType();
            return (p == PoolingType.MAX || p == PoolingType.AVG)
                    && set(l, SubsamplingLayer.class, new MKLDNNSubsamplingHelper(type));
        }
        if (c == BatchNormalization.class) {
            return set(l, BatchNormalization.class, new MKLDNNBatchNormHelper(type));
        }
        return false;
    }

    private static Layer unwrap(Layer l) {
        return l instanceof BaseWrapperLayer w ? unwrap(w.getUnderlying()) : l; // frozen, masking, time-distributed
    }

    private static boolean set(Layer l, Class<?> declaring, Object helper) throws ReflectiveOperationException {
        Field f = declaring.getDeclaredField("helper");
        f.setAccessible(true);
        if (f.get(l) != null) { // DL4J made its own (helpers enabled by the user): keep it
            return false;
        }
        f.set(l, helper);
        return true;
    }

    private static boolean cpu() {
        try {
            return Nd4j.getEnvironment().isCPU();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
