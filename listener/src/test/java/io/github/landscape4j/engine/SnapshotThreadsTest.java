package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's thread setting holds while a snapshot runs (seen from inside it, by a plug-in measure) and ND4J's and
 * BLAS's own settings are back afterwards, also after a snapshot that failed; {@code 0} leaves them alone.
 */
class SnapshotThreadsTest {

    /** Records ND4J's and BLAS's thread counts as a snapshot sees them. */
    static class ThreadsSeen implements Measure {
        @Override
        public String name() {
            return "threads seen";
        }

        @Override
        public boolean enabled(EvaluationContext ctx) {
            return true;
        }

        @Override
        public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
            return List.of(
                    new MeasureDescriptor("nd4j_threads", "ND4J threads", "count", "diagnostic", "", "all", "", ""),
                    new MeasureDescriptor("blas_threads", "BLAS threads", "count", "diagnostic", "", "all", "", ""));
        }

        @Override
        public void compute(EvaluationContext ctx) {
            ctx.put("nd4j_threads", Nd4j.getEnvironment().maxMasterThreads());
            ctx.put("blas_threads", Nd4j.factory().blas().getMaxThreads());
        }
    }

    private static SnapshotConfig tiny() {
        return LandscapeConfig.parse(Map.of("grid", "3", "planes", "none", "slices", "false", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "0", "hutchinson", "0", "perTensorMeasures", "false"))
                .snapshots();
    }

    @Test
    void theSettingHoldsDuringASnapshotAndIsRestoredAfter() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        SnapshotRequest request = SnapshotRequest.of(Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 3)), 32, "t"));
        int nd4j = Nd4j.getEnvironment().maxMasterThreads();
        int blas = Nd4j.factory().blas().getMaxThreads();
        int other = nd4j > 1 ? 1 : 2; // differs from the JVM's setting, whatever the machine

        Snapshot s = LandscapeEngine.builder(net).config(tiny()).threads(other).measure(new ThreadsSeen()).build()
                .snapshot(request);
        assertThat(s.measures()).containsEntry("nd4j_threads", (double) other).containsEntry("blas_threads",
                (double) other);
        assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(nd4j);
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(blas);

        Snapshot untouched = LandscapeEngine.builder(net).config(tiny()).threads(0).measure(new ThreadsSeen())
                .build().snapshot(request);
        assertThat(untouched.measures()).containsEntry("nd4j_threads", (double) nd4j);

        Measure failing = new ThreadsSeen() {
            @Override
            public void compute(EvaluationContext ctx) {
                throw new IllegalStateException("a plug-in's fault");
            }
        };
        LandscapeEngine broken = LandscapeEngine.builder(net).config(tiny()).threads(other).measure(failing).build();
        assertThatThrownBy(() -> broken.snapshot(request)).hasMessageContaining("a plug-in's fault");
        assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(nd4j);
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(blas);
        assertThatThrownBy(() -> LandscapeEngine.builder(net).threads(-1)).hasMessageContaining("threads=-1");
    }
}
