package io.github.landscape4j.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run written outside training reads back whole; a run id the store has, or a snapshot out of order, is refused. */
class RunWriterTest {

    private static RunInfo info(String id) {
        return new RunInfo(id, "w0", "offline", List.of("offline"), 3, Instant.parse("2026-11-27T00:00:00Z"),
                "MultiLayerNetwork", "{}", 6, List.of(new ParameterTensor("0_W", 0, new long[]{2, 2}),
                new ParameterTensor("0_b", 4, new long[]{2})), Map.of(), Map.of(), 0, List.of());
    }

    @Test
    void aRunReadsBackAndBadWritesAreNamed(@TempDir Path dir) {
        Path file = dir.resolve("offline.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            try (RunWriter w = RunWriter.begin(store, info("r1"))) {
                w.checkpoint(7, 0, Checkpoint.Kind.FINAL, Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f));
                w.snapshot(StoreFixtures.snapshot(0));
                assertThatThrownBy(() -> w.snapshot(StoreFixtures.snapshot(2)))
                        .hasMessageContaining("snapshot index 2: the next one is 1");
            }
            assertThatThrownBy(() -> RunWriter.begin(store, info("r1")))
                    .hasMessageContaining("already has a run r1");
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThat(store.run("r1").schemaVersion()).isEqualTo(3);
            assertThat(store.snapshots("r1")).hasSize(1);
            assertThat(store.checkpoints("r1").get(0).params()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
        }
    }
}
