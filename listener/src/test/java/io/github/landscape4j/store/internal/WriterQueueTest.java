package io.github.landscape4j.store.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's queue: commands added without waking the writer still reach it (it looks on its own timer), in order
 * and none lost, from several producers; a wait ends empty-handed after its time; an interrupt ends it.
 */
class WriterQueueTest {

    @Test
    void aQuietCommandReachesAConsumerThatNobodyWakes() throws Exception {
        WriterQueue<Integer> queue = new WriterQueue<>();
        AtomicReference<Integer> got = new AtomicReference<>();
        CountDownLatch parked = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try {
                parked.countDown();
                got.set(queue.take()); // no timeout: only its own look can find the quiet command
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.consumer(consumer);
        consumer.start();
        parked.await();
        Thread.sleep(20);
        queue.add(7, false);
        consumer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(consumer.isAlive()).as("the consumer still waits for a command added 10 s ago").isFalse();
        assertThat(got.get()).isEqualTo(7);
    }

    @Test
    void everyCommandOfSeveralProducersArrivesOnceAndEachProducersInOrder() throws Exception {
        WriterQueue<int[]> queue = new WriterQueue<>();
        int producers = 3;
        int each = 5_000;
        List<int[]> taken = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            try {
                while (taken.size() < producers * each) {
                    taken.add(queue.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.consumer(consumer);
        consumer.start();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    queue.add(new int[]{producer, i}, i % 1000 == 999); // mostly quiet, a wake now and then
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        consumer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(consumer.isAlive()).isFalse();
        assertThat(taken).hasSize(producers * each);
        int[] next = new int[producers];
        for (int[] c : taken) {
            assertThat(c[1]).as("producer %d's commands in order", c[0]).isEqualTo(next[c[0]]++);
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aWaitEndsEmptyHandedAfterItsTimeAndAnInterruptEndsIt() throws Exception {
        WriterQueue<String> queue = new WriterQueue<>();
        queue.consumer(Thread.currentThread());
        assertThat(queue.poll(0)).isNull();
        long t0 = System.nanoTime();
        assertThat(queue.poll(TimeUnit.MILLISECONDS.toNanos(120))).isNull();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(120));
        queue.add("a", true);
        assertThat(queue.poll(0)).isEqualTo("a");

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiting = new Thread(() -> {
            try {
                queue.take();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        waiting.start();
        Thread.sleep(20);
        waiting.interrupt();
        waiting.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
}
