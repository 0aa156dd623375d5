package io.github.landscape4j.store;

import io.github.landscape4j.listener.InvalidConfigException;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.store.internal.ThreadNice;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store's writer thread takes the nice value {@code writerNice} asks for (Linux), its own thread only: the
 * training thread's priority stays as it was; 0 asks for nothing; a bad value is refused with what is allowed.
 */
class ThreadNiceTest {

    @Test
    void aThreadLowersItsOwnPriorityAndNoOtherThreads() throws Exception {
        OptionalInt mine = ThreadNice.current();
        assumeTrue(mine.isPresent(), "Linux only");
        assumeTrue(mine.getAsInt() < 7, "the test JVM already runs at nice 7 or more");
        AtomicReference<Object[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int before = ThreadNice.current().getAsInt();
            boolean done = ThreadNice.lower(7, "test");
            seen.set(new Object[] {before, done, ThreadNice.current().getAsInt(), ThreadNice.lower(3, "test"),
                    ThreadNice.current().getAsInt()});
        });
        t.start();
        t.join();
        assertThat(seen.get()).containsExactly(mine.getAsInt(), true, 7, true, 7); // never raised back
        assertThat(ThreadNice.current()).isEqualTo(mine);
    }

    @Test
    void theWriterThreadTakesWriterNiceAndZeroLeavesItAlone() {
        OptionalInt mine = ThreadNice.current();
        assumeTrue(mine.isPresent(), "Linux only");
        assumeTrue(mine.getAsInt() < 10, "the test JVM already runs at nice 10 or more");
        assertThat(writerThreadNice(10)).isEqualTo(10);
        assertThat(writerThreadNice(0)).isEqualTo(mine.getAsInt());
        assertThat(ThreadNice.current()).isEqualTo(mine);
    }

    @Test
    void writerNiceIsAnOptionWithItsRange() {
        assertThat(LandscapeConfig.defaults().writerNice()).isEqualTo(10);
        assertThat(LandscapeConfig.parse(Map.of("writerNice", "0")).writerNice()).isZero();
        assertThat(LandscapeConfig.parse(Map.of("writerNice", "19")).asOptions()).containsEntry("writerNice", "19");
        assertThatThrownBy(() -> LandscapeConfig.parse(Map.of("writerNice", "20")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("writerNice=20")
                .hasMessageContaining("[0, 19]");
        assertThatThrownBy(() -> LandscapeListener.builder().writerNice(-1).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("writerNice");
    }

    private static int writerThreadNice(int nice) {
        StoreWriter w = new StoreWriter(new InMemoryStatsStorage(), "nice", "w0", List.of(), 10, 60_000, nice,
                t -> { });
        try {
            AtomicReference<Integer> seen = new AtomicReference<>();
            w.runAfterQueued(() -> seen.set(ThreadNice.current().getAsInt()));
            w.flush();
            return seen.get();
        } finally {
            w.close();
        }
    }
}
