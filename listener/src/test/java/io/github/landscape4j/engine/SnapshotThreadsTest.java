package io.github.landscape4j.engine;

import io.github.landscape4j.engine.internal.SnapshotThreads;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine's thread setting holds while a snapshot runs (seen from inside it, by a plug-in measure) and ND4J's and
 * BLAS's own settings are back afterwards, also after a snapshot that failed; {@code 0} leaves them alone. Sections of
 * work that need ND4J's own setting (a study's training steps) and snapshots with another take turns; a thread's
 * section that takes a snapshot itself is suspended meanwhile.
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

    /** Seen from inside the snapshot, then held there until released. */
    static class Held extends ThreadsSeen {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void compute(EvaluationContext ctx) {
            super.compute(ctx);
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    @Test
    void aSnapshotWithAnotherSettingAndSectionsNeedingNd4jsOwnTakeTurns() throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        SnapshotRequest request = SnapshotRequest.of(Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 3)), 32, "t"));
        int nd4j = Nd4j.getEnvironment().maxMasterThreads();
        int blas = Nd4j.factory().blas().getMaxThreads();
        int other = nd4j > 1 ? 1 : 2;
        Held held = new Held();
        LandscapeEngine engine = LandscapeEngine.builder(net).config(tiny()).threads(other).measure(held).build();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Snapshot> snapshot;
            try (SnapshotThreads step = SnapshotThreads.nd4jOwn()) { // another run's training step, under way
                snapshot = threads.submit(() -> engine.snapshot(request));
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                        held.inside.getCount() == 1 && Nd4j.getEnvironment().maxMasterThreads() == nd4j);
            }
            assertThat(held.inside.await(30, TimeUnit.SECONDS)).as("the snapshot began after the step").isTrue();
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(other);
            Future<Integer> nextStep = threads.submit(() -> {
                try (SnapshotThreads step = SnapshotThreads.nd4jOwn()) {
                    return Nd4j.getEnvironment().maxMasterThreads();
                }
            });
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !nextStep.isDone());
            held.release.countDown();
            assertThat(nextStep.get(30, TimeUnit.SECONDS)).as("the next step runs with ND4J's own").isEqualTo(nd4j);
            assertThat(snapshot.get(30, TimeUnit.SECONDS).measures()).containsEntry("nd4j_threads", (double) other);
        } finally {
            held.release.countDown();
            threads.shutdown();
        }

        // a step that takes a snapshot itself: suspended for it, its own setting back afterwards
        LandscapeEngine own = LandscapeEngine.builder(net).config(tiny()).threads(other).measure(new ThreadsSeen())
                .build();
        try (SnapshotThreads step = SnapshotThreads.nd4jOwn()) {
            assertThat(own.snapshot(request).measures()).containsEntry("nd4j_threads", (double) other);
            assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(nd4j);
        }
        assertThat(Nd4j.getEnvironment().maxMasterThreads()).isEqualTo(nd4j);
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(blas);
    }
}
