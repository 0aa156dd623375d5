package io.github.landscape4j.listener;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a snapshot is computed, a reader of the store sees that it is (the run's progress record: snapshot, index,
 * iteration) and sees the scalars up to the snapshot's iteration, although the commit settings would not have
 * committed them yet; after the snapshot the record says training, and after close, finished. A measure plugged into
 * the snapshot looks at the store from inside it.
 */
class SnapshotProgressTest {
    @TempDir
    Path dir;

    /** Reads the store from inside the snapshot. */
    static final class Peek implements Measure {
        final LandscapeStore store;
        final List<LandscapeStore.Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> lastCommittedIteration = new java.util.concurrent.CopyOnWriteArrayList<>();
        private int seen;

        Peek(LandscapeStore store) {
            this.store = store;
        }

        @Override
        public String name() {
            return "peek";
        }

        @Override
        public boolean enabled(EvaluationContext ctx) {
            return true;
        }

        @Override
        public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
            return List.of(new MeasureDescriptor("peek", "peek", "flag", "diagnostic", "", "none", "",
                    "1 once the test has looked at the store"));
        }

        @Override
        public void compute(EvaluationContext ctx) {
            RunInfo run = store.listRuns().get(0);
            // the progress record is written by the writer thread just after the snapshot starts
            await().atMost(Duration.ofSeconds(10)).until(() -> store.progress(run)
                    .filter(p -> p.state().equals("snapshot") && p.snapshot() == seen).isPresent());
            seen++;
            progress.add(store.progress(run).orElseThrow());
            ScalarSeries s = store.scalars(run.runId());
            lastCommittedIteration.add(s.size() == 0 ? -1 : s.iteration()[s.size() - 1]);
            ctx.put("peek", 1);
        }
    }

    @Test
    void aSnapshotInProgressIsVisibleWithTheScalarsBeforeIt() {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("progress.db"))) {
            Peek peek = new Peek(store);
            MultiLayerNetwork net = TestNets.mlp(new Sgd(0.1), 1.0);
            List<DataSet> data = TestNets.data(12, 16, 20, TestNets.SEED);
            LandscapeListener listener = LandscapeListener.builder().store(store).runName("progress")
                    .probe(DataSet.merge(data.subList(0, 4))).snapshot("every:10").commitEvery(10_000)
                    .commitMillis(600_000).grid(3).sharpnessK(2).ascentSteps(2).hessianIterations(2).hutchinson(1)
                    .measure(peek).build();
            net.setListeners(listener);
            for (int i = 0; i < 11; i++) {
                net.fit(data.get(i));
            }
            listener.flush();
            RunInfo run = store.listRuns().get(0);
            int taken = store.snapshotCount(run.runId());
            assertThat(taken).isGreaterThanOrEqualTo(1);
            assertThat(peek.progress).as("progress seen inside each snapshot").hasSize(taken);
            for (int k = 0; k < taken; k++) {
                assertThat(peek.progress.get(k).state()).isEqualTo("snapshot");
                assertThat(peek.progress.get(k).snapshot()).isEqualTo(k);
                assertThat(peek.progress.get(k).iteration()).isEqualTo(store.snapshot(run.runId(), k).orElseThrow()
                        .iteration());
                assertThat(peek.lastCommittedIteration.get(k)).as("scalars committed before snapshot %d started", k)
                        .isEqualTo(peek.progress.get(k).iteration());
            }
            Optional<LandscapeStore.Progress> after = store.progress(run);
            assertThat(after).hasValueSatisfying(p -> {
                assertThat(p.state()).isEqualTo("training");
                assertThat(p.snapshot()).isEqualTo(taken);
            });
            listener.close();
            assertThat(store.progress(run)).hasValueSatisfying(p -> assertThat(p.state()).isEqualTo("finished"));
        }
    }
}
