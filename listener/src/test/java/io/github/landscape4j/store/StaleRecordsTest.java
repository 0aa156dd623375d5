package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.LandscapeRecord;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.model.storage.BaseCollectionStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A damaged MapDB index can point at an older version of a record the run rewrote (its manifest, its progress) or
 * at one it removed (a thinned checkpoint): whole, with a good checksum, but not the run's data. Each case is made
 * here by putting the older version back under its key, which is what the reader then finds, and must be refused
 * with a {@link StoreException} naming the file and the record, while a run cut short between a record and its
 * manifest (a crash) and a run of an older schema still read.
 */
class StaleRecordsTest {
    private static final String RUN = "run-stale";

    @TempDir
    Path dir;

    @Test
    void anOlderProgressRecordIsRefused() {
        Path file = write("progress.db", (storage, w) -> {
            w.writeProgress(StoreFixtures.progress("training", 0, 1));
            w.flush();
            Persistable old = update(storage, RecordTypes.PROGRESS);
            w.writeProgress(StoreFixtures.progress("finished", 0, 2));
            w.flush();
            return old;
        });
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.run(RUN);
            assertThatThrownBy(() -> store.progress(run)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining(RecordTypes.PROGRESS).hasMessageContaining("older version");
        }
    }

    @Test
    void anOlderManifestIsRefusedWhereRecordsWereWrittenAfterIt() {
        Path file = write("manifest.db", (storage, w) -> {
            StoreFixtures.writeRun(w, 20, 5);
            Persistable old = update(storage, RecordTypes.MANIFEST);
            for (int i = 20; i < 30; i++) {
                w.addRow(StoreFixtures.row(i));
            }
            w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(StoreFixtures.snapshot(2)));
            w.flush();
            return old;
        });
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThatThrownBy(() -> store.scalars(RUN)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining("manifest found is an older version");
            assertThatThrownBy(() -> store.snapshots(RUN)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(RecordTypes.SNAPSHOT);
        }
    }

    @Test
    void aCheckpointTheRunRemovedIsRefused() {
        Path file = write("checkpoint.db", (storage, w) -> {
            StoreFixtures.writeRun(w, 30, 5); // checkpoints at 0, 20
            Persistable removed = storage.getUpdate(RUN, RecordTypes.CHECKPOINT, "w0", 1L);
            w.dropCheckpoint(20);
            w.flush();
            assertThat(storage.getUpdate(RUN, RecordTypes.CHECKPOINT, "w0", 1L)).isNull();
            return removed;
        });
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThatThrownBy(() -> store.checkpoints(RUN)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining(RecordTypes.CHECKPOINT + " record 1");
        }
    }

    /**
     * The list of sessions (or of run headers) pointed at its version from before the run began, as a flipped byte
     * in MapDB's index did in the fuzz test: the store would read as one without the run.
     */
    @Test
    void aRunWhoseListEntryIsLostIsRefused() throws ReflectiveOperationException {
        Field sessionIds = BaseCollectionStatsStorage.class.getDeclaredField("sessionIDs");
        sessionIds.setAccessible(true);
        Path file = dir.resolve("sessions.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            AtomicReference<Throwable> fault = new AtomicReference<>();
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), RUN, 5, fault::set);
            StoreFixtures.writeRun(w, 10, 5);
            w.close();
            assertThat(fault.get()).isNull();
            assertThat(store.listRuns()).hasSize(1);
            Set<?> sessions = (Set<?>) sessionIds.get(store.statsStorage());
            assertThat(sessions.remove(RUN)).isTrue();
            // committed with the next put
            store.statsStorage().putStaticInfo(new LandscapeRecord("other", "other.type", "w", 1, "{}", null));
        }
        assertThatThrownBy(() -> LandscapeStore.openExisting(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString()).hasMessageContaining("records of run " + RUN);
    }

    /** Record, then its manifest: a crash between the two leaves the record one past the manifest, which reads. */
    @Test
    void aRunCutBetweenARecordAndItsManifestReads() {
        Path file = write("crash.db", (storage, w) -> {
            StoreFixtures.writeRun(w, 30, 5);
            Persistable manifest = update(storage, RecordTypes.MANIFEST);
            w.writeProgress(StoreFixtures.progress("finished", 3, 30));
            w.flush();
            return manifest;
        });
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.run(RUN);
            assertThat(store.progress(run)).map(LandscapeStore.Progress::iteration).contains(30L);
            assertThat(store.scalars(RUN).size()).isEqualTo(30);
            assertThat(store.snapshots(RUN)).hasSize(3);
            assertThat(store.checkpoints(RUN)).hasSize(2);
        }
    }

    /** Runs written before sequences (schema 2) have none to check and read as before. */
    @Test
    void aRunOfSchema2Reads() throws Exception {
        Path file = dir.resolve("schema2.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            StatsStorage s = store.statsStorage();
            s.putStaticInfo(schema2(RecordTypes.RUN, 7, Json.GSON.toJson(new RunInfo(RUN, "w0", "old", List.of(), 7,
                    Instant.parse("2025-01-02T03:04:05Z"), "MultiLayerNetwork", "{}", 6, List.of(), Map.of(),
                    Map.of(), 2, List.of()))));
            s.putUpdate(schema2(RecordTypes.SCALARS, 0, Json.GSON.toJson(ScalarSeries.concat(List.of()))));
            s.putUpdate(schema2(RecordTypes.MANIFEST, 0, "{\"" + RecordTypes.SCALARS + "\":1}"));
            s.putUpdate(schema2(RecordTypes.PROGRESS, 0, StoreFixtures.progress("finished", 0, 0)));
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.run(RUN);
            assertThat(run.schemaVersion()).isEqualTo(2);
            assertThat(store.scalars(RUN).size()).isZero();
            assertThat(store.progress(run)).map(LandscapeStore.Progress::state).contains("finished");
            assertThat(store.counts(run).scalarRecords()).isEqualTo(1);
        }
    }

    /** What a test does with the writer before it closes; returns the older record to put back. */
    private interface Steps {
        Persistable run(StatsStorage storage, StoreWriter w);
    }

    /** Writes a run, then puts the older record the steps returned back under its key, as a damaged index would. */
    private Path write(String name, Steps steps) {
        Path file = dir.resolve(name);
        try (LandscapeStore store = LandscapeStore.open(file)) {
            AtomicReference<Throwable> fault = new AtomicReference<>();
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), RUN, 5, fault::set);
            Persistable old = steps.run(store.statsStorage(), w);
            w.close();
            assertThat(fault.get()).isNull();
            store.statsStorage().putUpdate(old);
        }
        return file;
    }

    private static Persistable update(StatsStorage storage, String typeId) {
        Persistable p = storage.getUpdate(RUN, typeId, "w0", 0L);
        assertThat(p).as(typeId).isNotNull();
        return p;
    }

    private static LandscapeRecord schema2(String typeId, long key, String json) throws ReflectiveOperationException {
        LandscapeRecord r = new LandscapeRecord(RUN, typeId, "w0", key, json, null);
        var f = LandscapeRecord.class.getDeclaredField("schemaVersion");
        f.setAccessible(true);
        f.setInt(r, 2);
        return r;
    }
}
