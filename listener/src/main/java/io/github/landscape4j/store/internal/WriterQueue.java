package io.github.landscape4j.store.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Internal: the store writer's queue, whose producers do not wake the writer for each command. Waking a parked thread
 * cost the training thread 40-60 µs a command on a 2-core VM (a futex wake that becomes an inter-processor interrupt,
 * which exits to the hypervisor): two per periodic checkpoint, 66 when the checkpoints are thinned. A command added
 * quietly waits until the writer looks again on its own, at least every {@link #LOOK_NANOS}; one added with {@code
 * wake} (a commit that is due, a flush or a stop, which a caller waits for) and every {@link #WAKE_AFTER}-th added
 * quietly wake it at once.
 */
final class WriterQueue<T> {
    /** Longest a command added quietly waits for the writer to look (its own timer, no cost to the producer). */
    static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Commands added quietly after which the producer wakes the writer anyway (a backlog is not left to grow). */
    static final int WAKE_AFTER = 64;

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger quiet = new AtomicInteger();
    private volatile Thread consumer;

    /** The one thread that takes from this queue (it is woken). */
    void consumer(Thread thread) {
        consumer = thread;
    }

    void add(T item, boolean wake) {
        items.add(item);
        if (wake || quiet.incrementAndGet() >= WAKE_AFTER) {
            quiet.set(0);
            LockSupport.unpark(consumer);
        }
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** The next item, waiting for one as long as it takes. */
    T take() throws InterruptedException {
        return poll(Long.MAX_VALUE);
    }

    /** The next item, or null when none came within {@code nanos} (0: at once). */
    T poll(long nanos) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            T item = items.poll();
            if (item != null) {
                return item;
            }
            long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return null;
            }
            LockSupport.parkNanos(this, Math.min(left, LOOK_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
