package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Internal: the work shared across one plane (SCIENCE.md): a dense first layer computes {@code X·W + b}, linear in
 * {@code (W, b)}, so over a plane {@code X·(W0 + a·D1 + b·D2) + (b0 + a·e1 + b·e2) = P0 + a·P1 + b·P2} with
 * {@code P0 = X·W0 + b0}, {@code P1 = X·D1 + e1}, {@code P2 = X·D2 + e2}: three products per plane and probe
 * instead of one per point. Each point then costs a copy and two axpys into a reused pre-activation buffer,
 * the first layer's activation in place, and a forward pass through the remaining layers (inference mode, on the
 * private copy) inside a workspace of this path, so that after the first point no array is allocated afresh.
 * Applies to a MultiLayerNetwork whose first layer is a {@link DenseLayer} without layer normalization or input
 * preprocessor.
 */
public final class LinearFirstLayer {
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();

    private final MultiLayerNetwork net;
    private final ParameterTensor weights;
    private final ParameterTensor bias;
    private final DenseLayer first;
    private final String workspace = "landscape4j-linear-" + UUID.randomUUID();
    private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder().defaultWorkspace(workspace, WORKSPACE).build();

    /**
     * The shared products of one plane (or line: no {@code p2}) for one probe, and the pre-activation buffer its
     * points reuse.
     */
    public static final class Plane {
        private final INDArray p0;
        private final INDArray p1;
        private final INDArray p2;
        private final INDArray z;

        private Plane(INDArray p0, INDArray p1, INDArray p2) {
            this.p0 = p0;
            this.p1 = p1;
            this.p2 = p2;
            this.z = p0.ulike();
        }
    }

    private LinearFirstLayer(MultiLayerNetwork net, ParameterTensor weights, ParameterTensor bias, DenseLayer first) {
        this.net = net;
        this.weights = weights;
        this.bias = bias;
        this.first = first;
    }

    /** The shared-work path for this copy, when its first layer allows it. */
    public static Optional<LinearFirstLayer> of(ProbeModel model, List<ParameterTensor> tensors) {
        if (!(model.network() instanceof MultiLayerNetwork net) || net.getnLayers() < 2
                || !(net.getLayer(0).conf().getLayer() instanceof DenseLayer dense) || dense.hasLayerNorm()
                || net.getLayerWiseConfigurations().getInputPreProcess(0) != null) {
            return Optional.empty();
        }
        ParameterTensor w = tensors.stream().filter(t -> t.name().equals("0_W")).findFirst().orElse(null);
        ParameterTensor b = tensors.stream().filter(t -> t.name().equals("0_b")).findFirst().orElse(null);
        if (w == null || w.shape().length != 2) {
            return Optional.empty();
        }
        return Optional.of(new LinearFirstLayer(net, w, b, dense));
    }

    /** The two products of one line {@code base + α·d} for one probe: {@code P0, P1}, biases folded in. */
    public Plane line(INDArray base, INDArray d, Probe probe) {
        INDArray x = probe.features()[0].castTo(base.dataType());
        return new Plane(product(x, base), product(x, d), null);
    }

    /** The three products of one plane for one probe: {@code P0, P1, P2}, biases folded in. */
    public Plane plane(INDArray theta, INDArray d1, INDArray d2, Probe probe) {
        INDArray x = probe.features()[0].castTo(theta.dataType());
        return new Plane(product(x, theta), product(x, d1), product(x, d2));
    }

    private INDArray product(INDArray x, INDArray flat) {
        long[] s = weights.shape();
        INDArray p = x.mmul(Directions.segment(flat, weights).dup().reshape('f', s[0], s[1]));
        if (bias != null) {
            p.addiRowVector(Directions.segment(flat, bias).reshape(1, bias.length()));
        }
        return p;
    }

    /**
     * Adds the outputs at {@code θ + a·d1 + b·d2} on the plane's probe to {@code row} (a row of that probe); the copy's parameters past
     * the first layer ({@link #tail}) must already hold that point.
     */
    public void addPoint(Plane plane, double a, double b, ProbeModel.Row row) {
        INDArray z = plane.z.assign(plane.p0);
        // ND4J's own axpy, not BLAS's: on the CPU backend each switch between BLAS calls and ND4J's ops waits on
        // thread pools (measured here: 0.4 ms for the three ops vs 1-5 ms with BLAS axpys between ND4J ops)
        Nd4j.exec(new Axpy(plane.p1, z, z, a));
        if (plane.p2 != null) { // null on a line
            Nd4j.exec(new Axpy(plane.p2, z, z, b));
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, workspace)) {
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

    /**
     * The part of a flat parameter vector past the first layer (a view): the only parameters a point of this path
     * reads from the copy, since the first layer's enter through the plane's products.
     */
    public INDArray tail(INDArray flat) {
        long end = Math.max(weights.offset() + weights.length(), bias == null ? 0 : bias.offset() + bias.length());
        return flat.get(NDArrayIndex.interval(end, flat.length()));
    }

    /** Frees this path's workspace on the calling thread (after a plane). */
    public void release() {
        if (Nd4j.getWorkspaceManager().checkIfWorkspaceExists(workspace)) {
            Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(
                    workspace));
        }
    }
}
