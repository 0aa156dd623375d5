package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.Stderr;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Faults of the file system under a running store (faults that root suffers too, since tests may run as root): the
 * store file deleted, replaced by a directory, or its MapDB volume closed. Training goes on with the same result,
 * the fault is noticed, and {@code close()} returns without throwing and lets go of the file.
 */
class CloseNeverThrowsTest {

    @TempDir
    Path dir;

    private final List<DataSet> data = TestNets.data(12, 8, 20, 6);

    /** A listener recording {@code net} into {@code file}, committed after its first {@code batches} steps. */
    private LandscapeListener recording(Path file, MultiLayerNetwork net, int batches) {
        LandscapeListener listener = LandscapeListener.builder().store(file).commitEvery(1).snapshot("off").build();
        net.setListeners(listener);
        TestNets.train(net, data.subList(0, batches), 1);
        listener.flush();
        return listener;
    }

    @Test
    void storeFileDeletedMidRunIsNoticedAndCloseReturns() throws Exception {
        Path file = dir.resolve("deleted.db");
        float[] expected = trained();
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = recording(file, net, 6);
        assertThat(listener.faulted()).isFalse();
        Files.delete(file);
        String log = Stderr.of(() -> {
            TestNets.train(net, data.subList(6, 12), 1);
            listener.flush();
        });
        assertThat(listener.faulted()).as("the deleted file is noticed").isTrue();
        assertThat(log).contains("store file " + file.toAbsolutePath() + " was deleted while the run was being"
                + " recorded");
        assertThatCode(listener::close).doesNotThrowAnyException();
        assertThat(net.params().toFloatVector()).containsExactly(expected);
        try (LandscapeStore again = LandscapeStore.open(file)) {
            assertThat(again.listRuns()).as("a new store at the same path").isEmpty();
        }
    }

    @Test
    void storeFileRenamedMidRunIsSaidToBeRenamedNotDeleted() throws Exception {
        Path file = dir.resolve("renamed.db");
        Path moved = dir.resolve("moved.db");
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = recording(file, net, 4);
        Files.move(file, moved);
        String log = Stderr.of(() -> {
            TestNets.train(net, data.subList(4, 8), 1);
            listener.flush();
        });
        assertThat(listener.faulted()).isTrue();
        assertThat(log).contains("store file " + file.toAbsolutePath() + " was renamed to "
                + moved.toAbsolutePath() + " while the run was being recorded").doesNotContain("deleted");
        assertThatCode(listener::close).doesNotThrowAnyException();
        try (LandscapeStore s = LandscapeStore.openExisting(moved)) {
            assertThat(s.listRuns()).hasSize(1); // what was committed before the rename, under its new name
        }
    }

    @Test
    void storeFileReplacedByADirectoryIsNoticedAndCloseReturns() throws Exception {
        Path file = dir.resolve("replaced.db");
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = recording(file, net, 4);
        Files.delete(file);
        Files.createDirectory(file);
        TestNets.train(net, data.subList(4, 8), 1);
        listener.flush();
        assertThat(listener.faulted()).isTrue();
        assertThatCode(listener::close).doesNotThrowAnyException();
    }

    @Test
    void volumeClosedUnderTheListenerCloseReturnsAndReleasesTheFile() throws Exception {
        Path file = dir.resolve("closed-volume.db");
        float[] expected = trained();
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = recording(file, net, 6);
        try (LandscapeStore reader = LandscapeStore.openExisting(file)) {
            assertThat(reader.listRuns()).hasSize(1);
        }
        closeVolume(listenerStore(listener));
        TestNets.train(net, data.subList(6, 12), 1);
        listener.flush();
        assertThat(listener.faulted()).isTrue();
        assertThatCode(listener::close).doesNotThrowAnyException();
        assertThat(net.params().toFloatVector()).containsExactly(expected);
        // the file is let go of: it opens for writing again in this JVM (MapDB would say it is locked otherwise)
        assertThatCode(() -> LandscapeStore.open(file).close()).doesNotThrowAnyException();
    }

    @Test
    void storeCloseAfterAVolumeFaultDoesNotThrow() throws Exception {
        Path file = dir.resolve("store.db");
        LandscapeStore store = LandscapeStore.open(file);
        store.statsStorage().putStaticInfo(new io.github.landscape4j.store.internal.LandscapeRecord("s",
                io.github.landscape4j.store.internal.RecordTypes.RUN, "w", 1, "{}", null));
        closeVolume(store);
        assertThatCode(store::close).doesNotThrowAnyException();
        assertThat(store.isClosed()).isTrue();
        assertThatCode(store::close).as("idempotent").doesNotThrowAnyException();
    }

    private float[] trained() {
        MultiLayerNetwork reference = TestNets.mlpSgd(0.1);
        TestNets.train(reference, data, 1);
        return reference.params().toFloatVector();
    }

    private static LandscapeStore listenerStore(LandscapeListener listener) throws ReflectiveOperationException {
        Field f = LandscapeListener.class.getDeclaredField("store");
        f.setAccessible(true);
        return (LandscapeStore) f.get(listener);
    }

    /** Closes the MapDB volume of the store's main file, as a lost or unmounted disk would. */
    static void closeVolume(LandscapeStore store) throws Exception {
        Object storage = store.statsStorage();
        Field dbField = storage.getClass().getSuperclass().getSuperclass().getDeclaredField("db");
        dbField.setAccessible(true);
        Object db = dbField.get(storage);
        Object mapdbStore = db.getClass().getMethod("getStore").invoke(db);
        Method volume = mapdbStore.getClass().getDeclaredMethod("getRealVolume");
        volume.setAccessible(true);
        ((AutoCloseable) volume.invoke(mapdbStore)).close();
    }
}
