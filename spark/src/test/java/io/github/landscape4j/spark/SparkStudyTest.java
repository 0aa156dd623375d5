package io.github.landscape4j.spark;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyRunner;
import io.github.landscape4j.study.StudyTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A study on Spark local[2] (each run a Spark task with a store file of its own, imported into the study's store on
 * the driver) gives the same study as in one JVM: every run's measures and the correlations bit for bit, and every run
 * in the study's real MapDB file with its scalars and its initial and final checkpoints.
 */
class SparkStudyTest {
    private static StudyRecord study(Path file, StudyRunner runner) {
        try (LandscapeStore store = LandscapeStore.open(file)) {
            Study.Builder b = StudyTest.study(store, StudyTest::mlp); // the listener's own tiny study
            return (runner == null ? b : b.runner(runner)).build().run();
        }
    }

    @Test
    void aStudyOnSparkIsTheStudyInOneJvm(@TempDir Path dir) {
        StudyRecord here = study(dir.resolve("here.db"), null);
        StudyRecord spark;
        try (SparkJobs jobs = SparkJobs.open("local[2]")) {
            spark = study(dir.resolve("spark.db"), jobs.studyRunner());
        }
        assertThat(spark.runs()).hasSize(4);
        for (int i = 0; i < here.runs().size(); i++) {
            StudyRecord.Run a = here.runs().get(i);
            StudyRecord.Run b = spark.runs().get(i);
            assertThat(b.key()).isEqualTo(a.key());
            assertThat(b.epochs()).isEqualTo(a.epochs());
            assertThat(b.measures()).as(a.key()).isEqualTo(a.measures());
        }
        assertThat(spark.correlations()).isEqualTo(here.correlations()); // records: doubles by Double.compare

        try (LandscapeStore store = LandscapeStore.openExisting(dir.resolve("spark.db"))) {
            assertThat(store.listRuns()).hasSize(4);
            for (StudyRecord.Run r : spark.runs()) {
                assertThat(store.scalars(r.runId()).iteration()).isNotEmpty();
                assertThat(store.checkpoints(r.runId())).extracting(Checkpoint::kind)
                        .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            }
            assertThat(store.study("tiny")).isPresent();
        }
    }
}
