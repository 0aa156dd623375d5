package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** How runs end: when their model is collected, or at close, which never throws into the program. */
class RunEndTest {

    @TempDir
    Path dir;

    @Test
    void aRunEndsWhenItsModelIsCollected() {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("collected.db"))) {
            LandscapeListener listener = LandscapeListener.builder().store(store).snapshot("off").build();
            String runId = trainAndDrop(listener);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return !writerAlive(runId);
            });
            // the run's end was committed: the final checkpoint, from the model's last parameters
            assertThat(store.checkpoints(runId)).extracting(Checkpoint::kind)
                    .containsExactly(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            assertThat(store.checkpoints(runId).get(1).iteration()).isEqualTo(19);
            assertThat(listener.runs()).extracting(RunInfo::runId).containsExactly(runId);
            listener.close();
        }
    }

    /** Trains a model the caller never sees, so nothing but DL4J and the plugin could keep it. */
    private static String trainAndDrop(LandscapeListener listener) {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        net.setListeners(listener);
        TestNets.train(net, TestNets.data(20, 8, 20, 11), 1);
        return listener.runs().get(0).runId();
    }

    private static boolean writerAlive(String runId) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("landscape4j-writer-" + runId) && t.isAlive());
    }

    @Test
    void closeNeverThrowsWhenTheStoreFailsAndSaysWhichFileAndWhy() throws Exception {
        Path file = dir.resolve("failing.db");
        LandscapeListener listener = LandscapeListener.builder().store(file).snapshot("off").commitEvery(1).build();
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        net.setListeners(listener);
        TestNets.train(net, TestNets.data(5, 8, 20, 11), 1);
        listener.flush();
        failTheDisk(listener.store().orElseThrow().statsStorage());

        String captured = Stderr.of(() -> {
            assertThatCode(listener::close).doesNotThrowAnyException();
            assertThatCode(listener::close).doesNotThrowAnyException();
        });
        List<String> lines = captured.lines()
                .filter(l -> l.contains(file.toAbsolutePath().toString())).toList(); // one line: the writer's or the store's
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains(file.toAbsolutePath().toString(), "Closed");
    }

    /** Closes the store file under MapDB, as a failing disk would make every write fail. */
    private static void failTheDisk(StatsStorage storage) throws Exception {
        Object db = field(storage, "db");
        Object store = db.getClass().getMethod("getStore").invoke(db);
        Object volume = field(store, "realVolume");
        if (!(volume instanceof org.mapdb.volume.RandomAccessFileVol)) {
            volume = field(volume, "file"); // under the store's undo journal
        }
        ((RandomAccessFile) field(volume, "raf")).close();
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(owner);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }
}
