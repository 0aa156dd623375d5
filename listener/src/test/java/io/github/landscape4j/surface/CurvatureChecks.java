package io.github.landscape4j.surface;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.Curvature;
import io.github.landscape4j.surface.internal.ProbeModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the exact-curvature tests share: DL4J's central differences, relative errors, per-tensor blocks. */
final class CurvatureChecks {
    private CurvatureChecks() {
    }

    /** {@code (g(θ+hv) - g(θ-hv)) / 2h} from DL4J's backpropagation, {@code h = step·max(1, ||θ||)/||v||}. */
    static INDArray centralDifference(ProbeModel dl4j, INDArray theta, INDArray v, Probe probe, double step) {
        double h = step * Math.max(1, theta.norm2Number().doubleValue()) / v.norm2Number().doubleValue();
        dl4j.load(theta.add(v.mul(h)));
        INDArray plus = dl4j.gradient(probe);
        dl4j.load(theta.sub(v.mul(h)));
        INDArray minus = dl4j.gradient(probe);
        dl4j.load(theta);
        return plus.subi(minus).divi(2 * h);
    }

    static double relative(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / Math.max(b.norm2Number().doubleValue(), 1e-300);
    }

    /**
     * A product restricted to one tensor is that tensor's block of the full product with {@code v} zero elsewhere, for
     * every tensor (to 1e-12 relative).
     */
    static void assertBlocks(Curvature c, List<ParameterTensor> tensors, INDArray v) {
        for (ParameterTensor t : tensors) {
            INDArray vt = Nd4j.zeros(DataType.DOUBLE, v.length());
            vt.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                    .assign(v.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())));
            INDArray full = c.product(vt, null);
            INDArray block = c.product(vt, t);
            INDArray expected = Nd4j.zeros(DataType.DOUBLE, v.length());
            expected.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                    .assign(full.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())));
            assertThat(relative(block, expected)).as("block " + t.name()).isLessThan(1e-12);
        }
    }
}
