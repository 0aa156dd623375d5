package io.github.landscape4j.study;

import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.internal.StudyRun;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.function.BooleanSupplier;

/**
 * What every run of a study needs, as one serializable value (for a {@link StudyRunner} that trains runs in other
 * JVMs): the model, the data, the probes' size, the stopping rule and the final-point snapshot's options.
 *
 * @param parallel the runs {@link StudyRunner#local()} trains at once (the numbers do not depend on it)
 */
public record StudyWork(String study, StudyModel model, DataSet train, DataSet heldOut, int probeSize,
                        StoppingRule stopping, SnapshotConfig snapshots, int parallel) implements Serializable {

    /**
     * Trains and measures one run, recording it into {@code store} as a run of the study; {@code cancelled} is polled
     * at every minibatch.
     */
    public StudyRecord.Run train(LandscapeStore store, RunSettings settings, BooleanSupplier cancelled) {
        return new StudyRun(new StudyRun.Inputs(store, study, model, train, heldOut, probeSize, stopping, snapshots,
                cancelled), settings).call();
    }
}
