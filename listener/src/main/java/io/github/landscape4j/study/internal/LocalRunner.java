package io.github.landscape4j.study.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.StudyException;
import io.github.landscape4j.study.StudyRunner;
import io.github.landscape4j.study.StudyWork;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Internal: the default {@link StudyRunner}: {@code work.parallel()} runs at once on daemon threads of this JVM, each
 * recording straight into the study's store; finished runs are handed over in the plan's order. A failed run stops
 * the others at their next minibatch.
 */
public final class LocalRunner implements StudyRunner {

    @Override
    public void run(StudyWork work, LandscapeStore store, List<RunSettings> todo,
                    Consumer<StudyRecord.Run> finished) {
        AtomicBoolean cancelled = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(work.parallel(), r -> {
            Thread t = new Thread(r, "landscape4j-study-" + work.study());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<StudyRecord.Run>> futures = new ArrayList<>();
            for (RunSettings s : todo) {
                futures.add(pool.submit(() -> work.train(store, s, cancelled::get)));
            }
            for (int i = 0; i < futures.size(); i++) {
                StudyRecord.Run r;
                try {
                    r = futures.get(i).get();
                } catch (ExecutionException e) {
                    throw new StudyException("study " + work.study() + ": run " + todo.get(i).key() + " failed: "
                            + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StudyException("study " + work.study() + " interrupted at run " + todo.get(i).key(), e);
                }
                finished.accept(r);
            }
        } finally {
            // a failed run stops the others at their next minibatch; they finish writing before the caller closes
            // the store (no interrupt: DL4J's fit loop is not written to be interrupted)
            cancelled.set(true);
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
