package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.ScalarSeries;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Internal: a run's records as {@link StoreWriter} writes them, on its thread: each numbered in the run's sequence
 * ({@link LandscapeRecord#sequence()}), keyed by its number within its type, and the {@link Manifest} listing them.
 */
final class RecordNumbering {
    private final String sessionId;
    private final String workerId;
    private final List<String> tensorNames;
    private final Map<String, Long> nextKeys = new HashMap<>();
    private final Map<Long, Long> checkpointTimestamps = new HashMap<>();
    /** The number of the last record made; see {@link LandscapeRecord#sequence()}. */
    private long sequence;
    /** The sequence of each checkpoint in the store, by key, and of the progress record: listed in the manifest. */
    private final SortedMap<Long, Long> checkpointSequences = new TreeMap<>();
    private final SortedMap<Long, Long> progressSequence = new TreeMap<>();

    RecordNumbering(String sessionId, String workerId, List<String> tensorNames) {
        this.sessionId = sessionId;
        this.workerId = workerId;
        this.tensorNames = List.copyOf(tensorNames);
    }

    /** The run's static info. */
    LandscapeRecord runInfo(long timestamp, String json) {
        return record(RecordTypes.RUN, timestamp, json, null);
    }

    /** One record of scalar rows. */
    LandscapeRecord scalars(List<IterationRow> rows) {
        return record(RecordTypes.SCALARS, nextKey(RecordTypes.SCALARS), Json.GSON.toJson(toSeries(rows)), null);
    }

    /** Any other record; a checkpoint ({@code checkpointKey} given) is listed in the manifest until dropped. */
    LandscapeRecord put(String typeId, String json, float[] floats, Long checkpointKey) {
        long ts = nextKey(typeId);
        LandscapeRecord r = record(typeId, ts, json, floats);
        if (checkpointKey != null) {
            checkpointTimestamps.put(checkpointKey, ts);
            checkpointSequences.put(ts, sequence);
        }
        return r;
    }

    /**
     * Forgets the checkpoint written with {@code checkpointKey} when the store can remove it; returns its record's
     * key to remove, or null.
     */
    Long drop(long checkpointKey, boolean removable) {
        Long ts = checkpointTimestamps.remove(checkpointKey);
        if (ts == null || !removable) {
            return null;
        }
        checkpointSequences.remove(ts);
        return ts;
    }

    /** The run's progress record, which replaces the one before. */
    LandscapeRecord progress(String json) {
        LandscapeRecord r = record(RecordTypes.PROGRESS, 0L, json, null);
        progressSequence.put(0L, sequence);
        return r;
    }

    /** The next record of the run's sequence. */
    private LandscapeRecord record(String typeId, long key, String json, float[] floats) {
        return new LandscapeRecord(sessionId, typeId, workerId, key, ++sequence, json, floats);
    }

    /**
     * The run's {@link Manifest}, rewritten with every commit after the records of the commit, so a reader that
     * reads the manifest first never sees it ahead of the records: counts of the numbered kinds that are never
     * removed, and the sequence of each record that is rewritten (progress) or removed (checkpoints).
     */
    LandscapeRecord manifest() {
        Map<String, Long> counts = new HashMap<>(nextKeys);
        counts.remove(RecordTypes.CHECKPOINT); // thinning removes checkpoints: their keys have gaps
        return record(RecordTypes.MANIFEST, 0L, Manifest.json(counts, Map.of(RecordTypes.CHECKPOINT,
                checkpointSequences, RecordTypes.PROGRESS, progressSequence)), null);
    }

    /**
     * DL4J's storage keys update records by their "timestamp": landscape4j puts the record's 0-based number within
     * the run and type there, so readers find snapshot {@code i} under key {@code i} and a missing key is a gap.
     */
    private long nextKey(String typeId) {
        long key = nextKeys.getOrDefault(typeId, 0L);
        nextKeys.put(typeId, key + 1);
        return key;
    }

    private ScalarSeries toSeries(List<IterationRow> rows) {
        int n = rows.size();
        long[] it = new long[n];
        int[] ep = new int[n];
        long[] wall = new long[n];
        double[] score = new double[n];
        double[] lr = new double[n];
        double[] g = new double[n];
        double[] u = new double[n];
        double[] w = new double[n];
        Map<String, double[]> gt = new LinkedHashMap<>();
        Map<String, double[]> ut = new LinkedHashMap<>();
        Map<String, double[]> wt = new LinkedHashMap<>();
        for (String name : tensorNames) {
            gt.put(name, new double[n]);
            ut.put(name, new double[n]);
            wt.put(name, new double[n]);
        }
        for (int i = 0; i < n; i++) {
            IterationRow r = rows.get(i);
            it[i] = r.iteration();
            ep[i] = r.epoch();
            wall[i] = r.wallMillis();
            score[i] = r.score();
            lr[i] = r.learningRate();
            g[i] = r.gradientNorm();
            u[i] = r.updateNorm();
            w[i] = r.weightNorm();
            for (int k = 0; k < tensorNames.size(); k++) {
                String name = tensorNames.get(k);
                gt.get(name)[i] = valueAt(r.gradientNormByTensor(), k);
                ut.get(name)[i] = valueAt(r.updateNormByTensor(), k);
                wt.get(name)[i] = valueAt(r.weightNormByTensor(), k);
            }
        }
        return new ScalarSeries(it, ep, wall, score, lr, g, u, w, gt, ut, wt);
    }

    private static double valueAt(double[] values, int k) {
        return values == null || k >= values.length ? Double.NaN : values[k];
    }

    /**
     * The values of a checkpoint copy, read straight from its buffer when the copy is the whole buffer: ND4J's
     * {@code toFloatVector()} first duplicates the array, an op that on this thread starts a second OpenMP team
     * competing with DL4J's (a few ms of stalled training per checkpoint on 2 cores, measured on the XOR network).
     */
    static float[] floats(INDArray a) {
        if (a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && a.isVectorOrScalar() && a.offset() == 0 && !a.isView()
                && a.data().length() == a.length() && a.elementWiseStride() == 1) {
            return a.data().asFloat();
        }
        return a.toFloatVector();
    }

    /** A JSON string as it is, a record written by Gson. */
    static String json(Object json) {
        return json instanceof String text ? text : Json.GSON.toJson(json);
    }
}
