package io.github.landscape4j.spark;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.StudyException;
import io.github.landscape4j.study.StudyRunner;
import io.github.landscape4j.study.StudyWork;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A study's runs as Apache Spark tasks: the study's work (model, data, options) is broadcast once; each run of the
 * plan is a job of one task (the jobs run side by side, as many as the executors' cores) that trains and measures the
 * run into a store file of its own on the executor and sends the file back; the driver imports each run into the
 * study's store ({@link LandscapeStore#importRun}) as it finishes, in the plan's order, and the study writes its
 * record after each (resumable as in one JVM). A failed task is retried by Spark; a run that still fails stops the
 * study with a {@link StudyException} naming it.
 */
public final class SparkStudyRunner implements StudyRunner {
    private final JavaSparkContext sc;

    public SparkStudyRunner(JavaSparkContext sc) {
        this.sc = sc;
    }

    @Override
    public void run(StudyWork work, LandscapeStore store, List<RunSettings> todo,
                    Consumer<StudyRecord.Run> finished) {
        if (todo.isEmpty()) {
            return;
        }
        Broadcast<StudyWork> shared = sc.broadcast(work);
        List<JavaFutureAction<List<Trained>>> jobs = new ArrayList<>();
        try {
            for (RunSettings s : todo) {
                jobs.add(sc.parallelize(List.of(s), 1).map(new TrainRun(shared)).collectAsync());
            }
            for (int i = 0; i < jobs.size(); i++) {
                Trained t;
                try {
                    t = jobs.get(i).get().get(0);
                } catch (ExecutionException e) {
                    throw new StudyException("study " + work.study() + ": run " + todo.get(i).key() + " failed on"
                            + " Spark " + sc.master() + " after Spark's retries: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StudyException("study " + work.study() + " interrupted at run " + todo.get(i).key(), e);
                }
                StudyRecord.Run run = Json.GSON.fromJson(t.runJson(), StudyRecord.Run.class);
                importRun(store, t.store(), run.runId());
                finished.accept(run);
            }
        } finally {
            jobs.forEach(j -> j.cancel(true)); // those not done: a run failed or the driver was interrupted
            shared.destroy();
        }
    }

    @Override
    public String toString() {
        return "Spark " + sc.master();
    }

    private static void importRun(LandscapeStore store, byte[] file, String runId) {
        try {
            Path dir = Files.createTempDirectory("landscape4j-run");
            try {
                Path copy = dir.resolve("run.db");
                Files.write(copy, file);
                try (LandscapeStore from = LandscapeStore.openExisting(copy)) {
                    store.importRun(from, runId);
                }
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("landscape4j: cannot bring run " + runId + " into " + store.description(),
                    e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A trained run: its study entry (JSON) and its store file. */
    record Trained(String runJson, byte[] store) implements Serializable {
    }

    /** The task: one run into a store file of its own in the executor's temporary directory. */
    static final class TrainRun implements Function<RunSettings, Trained> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<StudyWork> work;

        TrainRun(Broadcast<StudyWork> work) {
            this.work = work;
        }

        @Override
        public Trained call(RunSettings settings) throws IOException {
            Path dir = Files.createTempDirectory("landscape4j-study-run");
            try {
                Path file = dir.resolve("run.db");
                StudyRecord.Run run;
                try (LandscapeStore store = LandscapeStore.open(file)) {
                    run = work.value().train(store, settings, () -> false);
                }
                return new Trained(Json.GSON.toJson(run), Files.readAllBytes(file));
            } finally {
                deleteTree(dir);
            }
        }
    }
}
