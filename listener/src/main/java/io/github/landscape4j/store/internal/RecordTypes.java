package io.github.landscape4j.store.internal;

/** Internal: the DL4J {@code StatsStorage} type ids of landscape4j's records and the schema version. */
public final class RecordTypes {
    /** Static info, one per run and worker: the run's metadata. */
    public static final String RUN = "landscape4j.run";
    /** Updates: batches of per-iteration scalars. */
    public static final String SCALARS = "landscape4j.scalars";
    /** Updates: parameter checkpoints (flattened parameter vector). */
    public static final String CHECKPOINT = "landscape4j.checkpoint";
    /** Updates: landscape snapshots. */
    public static final String SNAPSHOT = "landscape4j.snapshot";
    /**
     * Update under key 0, rewritten after each record the run's writer writes (and each checkpoint it removes): how
     * many scalar batches and snapshots the run has, so a reader tells a record lost to damage (the file's index no
     * longer finds it) from one not written yet, and (schema 3) the sequence of each progress and checkpoint record;
     * see {@link Manifest}.
     */
    public static final String MANIFEST = "landscape4j.manifest";
    /**
     * Update under key 0, rewritten when the run starts or ends a snapshot and when it ends: what the run is doing
     * (training, computing a snapshot since when, finished), for the page's status line. Listed in the manifest by
     * sequence, not counted.
     */
    public static final String PROGRESS = "landscape4j.progress";

    // --- studies ---
    /** Static info, one per study (its own session {@link #STUDY_SESSION_PREFIX} + name): a study record. */
    public static final String STUDY = "landscape4j.study";
    /** Session id prefix of study records; the worker id is {@link #STUDY_WORKER}. */
    public static final String STUDY_SESSION_PREFIX = "landscape4j-study-";
    /** Worker id of study records. */
    public static final String STUDY_WORKER = "study";

    /**
     * Version of the record layout this code writes and the newest it reads. 2: records carry a CRC32 and update
     * records are keyed by their 0-based number within the run and type (snapshot index), not by time. 3: records
     * carry their number in the writer's sequence, and the manifest lists the sequence of each record that is
     * rewritten or removed (progress, checkpoints), so an older version of a record is not taken for the current one.
     */
    public static final int SCHEMA_VERSION = 3;

    private RecordTypes() {
    }
}
