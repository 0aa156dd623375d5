package io.github.landscape4j.study;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a study's runs are trained: on threads of this JVM ({@link #local()}, the default), or elsewhere (e.g. as
 * Apache Spark tasks, {@code landscape4j-spark}'s {@code SparkStudyRunner}). A runner trains every run of
 * {@code todo} with {@link StudyWork#train}, brings each run's records into {@code store} (the study's), and hands
 * each finished run to {@code finished} on the calling thread, which writes the study record after each. The
 * numbers of a run do not depend on where it was trained.
 */
public interface StudyRunner {

    /**
     * @throws StudyException naming the run when one fails (runs finished before it are already in the store)
     */
    void run(StudyWork work, LandscapeStore store, List<RunSettings> todo, Consumer<StudyRecord.Run> finished);

    /** {@code work.parallel()} runs at once on this JVM's threads, recording straight into the store. */
    static StudyRunner local() {
        return new io.github.landscape4j.study.internal.LocalRunner();
    }
}
