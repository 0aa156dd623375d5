package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.internal.LandscapeRecord;
import io.github.landscape4j.store.internal.RecordTypes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad store files and paths give one clear exception naming the file and the reason. */
class StoreErrorsTest {

    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.db");
        assertThatThrownBy(() -> LandscapeStore.openExisting(missing))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void directoryIsSaidToBeADirectory() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("folder.db"));
        assertThatThrownBy(() -> LandscapeStore.openExisting(directory))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(directory.toString()).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> LandscapeStore.open(directory))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(directory.toString()).hasMessageContaining("is a directory");
    }

    @Test
    void fifoIsSaidToBeNoRegularFile() throws Exception {
        Path fifo = dir.resolve("pipe.db");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> LandscapeStore.openExisting(fifo))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(fifo.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void openingForReadingNeverWritesToTheFile() throws Exception {
        Path good = dir.resolve("good.db");
        String id = record(good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("cut.db"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> LandscapeStore.openExisting(truncated)).isInstanceOf(StoreException.class);
        assertThat(Files.size(truncated)).as("not grown").isEqualTo(bytes.length / 2);
        try (LandscapeStore store = LandscapeStore.openExisting(good)) {
            assertThat(store.scalars(id).size()).isEqualTo(4);
        }
        assertThat(Files.readAllBytes(good)).isEqualTo(bytes);
    }

    @Test
    void emptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.db"));
        assertThatThrownBy(() -> LandscapeStore.openExisting(empty))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("empty");
    }

    @Test
    void fileThatIsNotAStore() throws Exception {
        Path text = dir.resolve("notes.db");
        Files.writeString(text, "this is not a MapDB file\n".repeat(200));
        byte[] before = Files.readAllBytes(text);
        assertThatThrownBy(() -> LandscapeStore.openExisting(text))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("not a landscape4j/DL4J MapDB store");
        assertThat(Files.readAllBytes(text)).as("the file is left as it was").isEqualTo(before);
        assertThatThrownBy(() -> LandscapeListener.builder().store(text).build())
                .isInstanceOf(StoreException.class).hasMessageContaining(text.toString());
    }

    @Test
    void truncatedStore() throws Exception {
        Path good = dir.resolve("good.db");
        record(good);
        Path truncated = dir.resolve("truncated.db");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> LandscapeStore.openExisting(truncated))
                .isInstanceOf(StoreException.class).hasMessageContaining(truncated.toString());
    }

    @Test
    void aFileOpenForWritingIsSaidToBeLockedAndHowToReadIt() {
        Path file = dir.resolve("busy.db");
        try (LandscapeStore writing = LandscapeStore.open(file)) {
            StoreWriter w = StoreFixtures.writer(writing.statsStorage(), "busy", 5, t -> { });
            StoreFixtures.writeRun(w, 10, 5);
            w.close();
            assertThatThrownBy(() -> LandscapeStore.open(file)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("locked by another process")
                    .hasMessageContaining("openExisting").hasMessageNotContaining("damaged");
            try (LandscapeStore reading = LandscapeStore.openExisting(file)) { // what the message proposes
                assertThat(reading.listRuns()).extracting(RunInfo::runId).containsExactly("busy");
            }
        }
    }

    @Test
    void unwritablePathFailsAtBuildTime() throws Exception {
        Path aFile = Files.writeString(dir.resolve("plain-file"), "x");
        Path inside = aFile.resolve("store.db"); // a directory cannot be made under a regular file
        assertThatThrownBy(() -> LandscapeListener.builder().store(inside).build())
                .isInstanceOf(StoreException.class).hasMessageContaining(inside.toString());
    }

    @Test
    void newerSchemaIsRefusedWithBothVersions() {
        Path file = dir.resolve("future.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            LandscapeRecord future = new LandscapeRecord("s", RecordTypes.RUN, "w", 1, "{}", null);
            setSchema(future, RecordTypes.SCHEMA_VERSION + 1);
            store.statsStorage().putStaticInfo(future);
        }
        assertThatThrownBy(() -> LandscapeStore.openExisting(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("schema version " + (RecordTypes.SCHEMA_VERSION + 1))
                .hasMessageContaining("reads up to " + RecordTypes.SCHEMA_VERSION);
    }

    @Test
    void unknownRunNamesTheRunAndTheRunsThereAre() throws Exception {
        Path file = dir.resolve("one.db");
        String id = record(file);
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThatThrownBy(() -> store.scalars("nope"))
                    .isInstanceOf(NoSuchRunException.class)
                    .hasMessageContaining("'nope'").hasMessageContaining(id);
        }
    }

    @Test
    void storeCopiedFromAFinishedRunIsReadable() throws Exception {
        Path file = dir.resolve("finished.db");
        String id = record(file);
        Path copy = dir.resolve("copy.db");
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (LandscapeStore store = LandscapeStore.openExisting(copy)) {
            assertThat(store.run(id).name()).isEqualTo("r");
            assertThat(store.scalars(id).size()).isEqualTo(4);
            assertThat(store.checkpoints(id)).isNotEmpty();
        }
    }

    static String record(Path file) {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        try (LandscapeListener l = LandscapeListener.builder().store(file).runName("r").build()) {
            net.setListeners(l);
            TestNets.train(net, TestNets.data(4, 8, 20, 5), 1);
            return l.runs().get(0).runId();
        }
    }

    /**
     * A record the file's index no longer finds (as a flipped byte in a MapDB index node can do) is reported as
     * damage, even when it is the newest one, which a reader reading keys 0, 1, ... until the first missing one
     * cannot tell from the end of the run by itself: the run's manifest lists how many there are.
     */
    @Test
    void aRecordLostFromTheIndexIsReportedAsDamage() throws Exception {
        Path file = dir.resolve("lost.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            io.github.landscape4j.store.internal.StoreWriter w = StoreFixtures.writer(store.statsStorage(),
                    "run-lost", 5, e -> { });
            StoreFixtures.writeRun(w, 30, 5);
            w.close();
            var storage = (io.github.landscape4j.store.internal.LandscapeFileStatsStorage) store.statsStorage();
            assertThat(store.scalars("run-lost").size()).isEqualTo(30);
            assertThat(storage.removeUpdate("run-lost", RecordTypes.SCALARS, "w0", 5)).isTrue(); // the last
            assertThat(storage.removeUpdate("run-lost", RecordTypes.SNAPSHOT, "w0", 2)).isTrue(); // the last
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThatThrownBy(() -> store.scalars("run-lost")).isInstanceOf(StoreException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString()).hasMessageContaining("damaged")
                    .hasMessageContaining("lists 6 " + RecordTypes.SCALARS + " records but record 5");
            assertThatThrownBy(() -> store.snapshots("run-lost")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("damaged");
            assertThatThrownBy(() -> store.snapshot("run-lost", 2)).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.snapshotCount("run-lost")).isInstanceOf(StoreException.class);
        }
    }

    private static void setSchema(LandscapeRecord r, int version) {
        try {
            var f = LandscapeRecord.class.getDeclaredField("schemaVersion");
            f.setAccessible(true);
            f.setInt(r, version);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
