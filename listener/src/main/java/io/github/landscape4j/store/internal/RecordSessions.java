package io.github.landscape4j.store.internal;

import java.util.Set;

/**
 * Internal: a storage that can say which sessions hold landscape4j update records, from its file's catalog of
 * collections rather than from its list of sessions, so a reader can tell a run whose header or list entry was lost
 * (a damaged index pointing at an older, emptier version) from no run at all.
 */
public interface RecordSessions {
    /** Type ids of landscape4j's records start with this. */
    String LANDSCAPE4J_TYPES = "landscape4j.";

    /** The sessions that hold at least one collection of landscape4j update records. */
    Set<String> sessionsWithRecords();
}
