package io.github.landscape4j.store.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Internal: a run's manifest ({@link RecordTypes#MANIFEST}), which its writer rewrites after every record it writes,
 * and the checks a reader makes with it. It counts the records of the kinds that are only ever added (scalar
 * batches, snapshots) and, from schema 3, lists the writer sequence of each record that is rewritten or removed
 * (progress, checkpoints). Its own sequence is the writer's count when it was written.
 *
 * <p>A damaged MapDB index can point at an older version of a rewritten record, whole and with a good checksum: the
 * sequence tells it from the current one. If the manifest itself is such an older version, the run holds records
 * written after it: every record's sequence may exceed the manifest's by one at most (the record written after the
 * last manifest that reached the disk), and a kind that is only added may have one record more than it counts.
 *
 * <p>JSON: {@code {"landscape4j.scalars": 12, "landscape4j.snapshot": 6, "landscape4j.sequences":
 * {"landscape4j.progress": {"0": 41}, "landscape4j.checkpoint": {"0": 3, "2": 30}}}}; schema 2 has the counts only.
 */
public final class Manifest {
    private static final String SEQUENCES = "landscape4j.sequences";
    /** The manifest of a run that has not written one: it counts nothing, and no sequence may pass it. */
    static final Manifest NONE = new Manifest(0, Map.of(), Map.of());

    private final long sequence;
    private final Map<String, Long> counts;
    private final Map<String, SortedMap<Long, Long>> sequences;

    private Manifest(long sequence, Map<String, Long> counts, Map<String, SortedMap<Long, Long>> sequences) {
        this.sequence = sequence;
        this.counts = counts;
        this.sequences = sequences;
    }

    /** The manifest's JSON: counts of the kinds only added, sequences by key of the kinds rewritten or removed. */
    static String json(Map<String, Long> counts, Map<String, ? extends Map<Long, Long>> sequences) {
        JsonObject o = new JsonObject();
        counts.forEach(o::addProperty);
        JsonObject seq = new JsonObject();
        sequences.forEach((type, byKey) -> {
            JsonObject k = new JsonObject();
            byKey.forEach((key, s) -> k.addProperty(String.valueOf(key), s));
            seq.add(type, k);
        });
        o.add(SEQUENCES, seq);
        return o.toString();
    }

    /**
     * Reads a manifest record.
     *
     * @throws RuntimeException (e.g. a JSON or number format error) when it is not a manifest
     */
    static Manifest of(LandscapeRecord r) {
        JsonObject o = JsonParser.parseString(r.json()).getAsJsonObject();
        Map<String, Long> counts = new HashMap<>();
        Map<String, SortedMap<Long, Long>> sequences = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!e.getKey().equals(SEQUENCES)) {
                counts.put(e.getKey(), e.getValue().getAsLong());
            }
        }
        JsonObject seq = o.has(SEQUENCES) ? o.getAsJsonObject(SEQUENCES) : new JsonObject();
        for (Map.Entry<String, JsonElement> type : seq.entrySet()) {
            SortedMap<Long, Long> byKey = new TreeMap<>();
            type.getValue().getAsJsonObject().entrySet().forEach(k -> byKey.put(Long.parseLong(k.getKey()),
                    k.getValue().getAsLong()));
            sequences.put(type.getKey(), byKey);
        }
        return new Manifest(r.schemaVersion() >= 3 ? r.sequence() : 0, counts, sequences);
    }

    /** The writer's count when the manifest was written; 0 before schema 3 and when the run has none. */
    long sequence() {
        return sequence;
    }

    /** How many records of a kind that is only added it counts (0 when none or not counted). */
    long count(String typeId) {
        return counts.getOrDefault(typeId, 0L);
    }

    /**
     * What is wrong with the records of a kind that is only ever added (keys 0, 1, ...), or null: more than one
     * record past the count, or a record with a sequence out of order or past the manifest's.
     */
    String problemWithAdded(String typeId, SortedMap<Long, LandscapeRecord> found) {
        if (found.size() > count(typeId) + 1 && sequenced(found)) {
            return "holds " + found.size() + " " + typeId + " records where its manifest (sequence " + sequence
                    + ") lists " + count(typeId) + ": the manifest found is an older version";
        }
        long previous = 0;
        for (Map.Entry<Long, LandscapeRecord> e : found.entrySet()) {
            LandscapeRecord r = e.getValue();
            if (r.schemaVersion() < 3) {
                continue;
            }
            String past = problemPast(r, e.getKey());
            if (past != null) {
                return past;
            }
            if (r.sequence() <= previous) {
                return "holds " + typeId + " record " + e.getKey() + " with sequence " + r.sequence()
                        + ", not after the record before it (" + previous + "): an older version of the record";
            }
            previous = r.sequence();
        }
        return null;
    }

    /** What is wrong with the number of records of a kind that is only added, or null. */
    String problemWithCount(String typeId, long found) {
        return sequence > 0 && found > count(typeId) + 1 ? "holds " + found + " " + typeId + " records where its"
                + " manifest (sequence " + sequence + ") lists " + count(typeId)
                + ": the manifest found is an older version" : null;
    }

    /**
     * What is wrong with the records of a kind that is rewritten or removed (progress, checkpoints), or null: each
     * must have the sequence the manifest lists under its key, or be the one record written after the manifest;
     * each key the manifest lists must be there.
     */
    String problemWithListed(String typeId, SortedMap<Long, LandscapeRecord> found) {
        if (!sequenced(found)) {
            return null;
        }
        SortedMap<Long, Long> listed = sequences.getOrDefault(typeId, new TreeMap<>());
        for (Map.Entry<Long, LandscapeRecord> e : found.entrySet()) {
            LandscapeRecord r = e.getValue();
            Long expected = listed.get(e.getKey());
            String past = problemPast(r, e.getKey());
            if (past != null) {
                return past;
            }
            if (r.sequence() != sequence + 1 && (expected == null || r.sequence() != expected)) {
                return "holds " + typeId + " record " + e.getKey() + " with sequence " + r.sequence()
                        + " where its manifest (sequence " + sequence + ") lists " + (expected == null ? "none"
                        : expected) + ": an older version of the record, or one the run removed";
            }
        }
        for (Map.Entry<Long, Long> e : listed.entrySet()) {
            if (!found.containsKey(e.getKey())) {
                return "lacks " + typeId + " record " + e.getKey() + " (sequence " + e.getValue()
                        + ") that its manifest lists";
            }
        }
        return null;
    }

    /** A record of schema 3 written after the record after the manifest: the manifest is an older version. */
    private String problemPast(LandscapeRecord r, long key) {
        if (r.schemaVersion() < 3) {
            return null;
        }
        if (r.sequence() < 1 || r.sequence() > sequence + 1) {
            return "holds " + r.getTypeID() + " record " + key + " with sequence " + r.sequence()
                    + ", past its manifest's (" + sequence + "): the manifest found is an older version";
        }
        return null;
    }

    /** Whether the run was written with sequences: this manifest, or a record found, is of schema 3. */
    private boolean sequenced(SortedMap<Long, LandscapeRecord> found) {
        return sequence > 0 || found.values().stream().anyMatch(r -> r.schemaVersion() >= 3);
    }
}
