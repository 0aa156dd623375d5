package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the writer fails (e.g. the disk is full), the checkpoints still queued are dropped but their arrays are left
 * alone: they are the kept trajectory, which a snapshot in progress may be reading (closing them made it fail with
 * "Op.X argument was closed before call").
 */
class WriterFaultTest {

    @Test
    void aFaultLeavesTheQueuedCheckpointArraysOpen() throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        InMemoryStatsStorage failing = new InMemoryStatsStorage() {
            @Override
            public void putStaticInfo(Persistable staticInfo) {
                try {
                    queued.await(10, TimeUnit.SECONDS); // the checkpoints are queued behind this write
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new UncheckedIOException(new IOException("No space left on device"));
            }
        };
        AtomicReference<Throwable> fault = new AtomicReference<>();
        CountDownLatch faulted = new CountDownLatch(1);
        StoreWriter writer = new StoreWriter(failing, "run", "w0", List.of(), 10, 60_000, 0, t -> {
            fault.set(t);
            faulted.countDown();
        });
        try {
            writer.writeRunInfo(() -> "{}");
            INDArray kept = Nd4j.linspace(DataType.FLOAT, 1, 1000, 1);
            INDArray alsoKept = Nd4j.linspace(DataType.FLOAT, 2, 1000, 1);
            writer.writeCheckpoint(1, 1, 0, Checkpoint.Kind.PERIODIC, kept);
            writer.writeCheckpoint(2, 2, 0, Checkpoint.Kind.PERIODIC, alsoKept);
            queued.countDown();
            assertThat(faulted.await(10, TimeUnit.SECONDS)).isTrue();
            writer.flush();
            assertThat(fault.get()).hasRootCauseMessage("No space left on device");
            assertThat(writer.failed()).isTrue();
            assertThat(kept.wasClosed()).isFalse();
            assertThat(alsoKept.wasClosed()).isFalse();
            assertThat(kept.sumNumber().doubleValue()).isEqualTo(500_500.0); // still readable by a snapshot
            assertThat(alsoKept.sumNumber().doubleValue()).isEqualTo(501_500.0);
        } finally {
            writer.close();
        }
    }
}
