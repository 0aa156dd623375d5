package io.github.landscape4j.store.internal;

import org.deeplearning4j.core.storage.Persistable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's file volumes hash in large blocks ({@link DelegatingVolume}): the same xxHash64 as MapDB's own 128-byte
 * reads, at every offset and length (the write-ahead log's checksums are this hash: a different value would make
 * MapDB refuse its own log), and a store written through them holds its records.
 */
class DelegatingVolumeTest {

    @Test
    void hashIsMapDbsHashAtEveryOffsetAndLength(@TempDir Path dir) {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Volume raw = new RandomAccessFileVol(dir.resolve("v").toFile(), false, 0, 0);
        try {
            raw.ensureAvailable(bytes.length);
            raw.putData(0, bytes, 0, bytes.length);
            DelegatingVolume bulk = new DelegatingVolume(raw);
            long[] offsets = {0, 1, 16, 127, 128, 129, 4095, 65_535, 65_536, 70_001};
            long[] lengths = {0, 1, 7, 127, 128, 129, 4096, 65_535, 65_536, 65_537, 131_072, 229_999};
            for (long off : offsets) {
                for (long len : lengths) {
                    for (long seed : new long[]{0, 111, -5}) {
                        assertThat(bulk.hash(off, len, seed)).as("offset %d, length %d, seed %d", off, len, seed)
                                .isEqualTo(raw.hash(off, len, seed)); // Volume.hash: MapDB's 128-byte loop
                    }
                }
            }
        } finally {
            raw.close();
        }
    }

    @Test
    void writeAheadLogFilesAreBehindIt(@TempDir Path dir) throws Exception {
        File file = dir.resolve("run.db").toFile();
        float[] params = new float[79_510];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) Math.sin(i);
        }
        LandscapeFileStatsStorage s = new LandscapeFileStatsStorage(file);
        try {
            for (int i = 0; i < 3; i++) {
                LandscapeRecord r = new LandscapeRecord("s", "landscape4j/checkpoint", "w", 10 + i, i + 1, "{}",
                        params);
                s.exclusive(() -> s.putUpdateUncommitted(r)); // in the log, not committed yet
                Object store = MapDbShutdown.store(s);
                Object wal = MapDbShutdown.field(store.getClass(), "wal").get(store);
                @SuppressWarnings("unchecked")
                List<Volume> volumes = (List<Volume>) MapDbShutdown.field(wal.getClass(), "volumes").get(wal);
                assertThat(volumes).as("the log's files before commit %d", i).isNotEmpty()
                        .allSatisfy(v -> assertThat(v).isInstanceOf(DelegatingVolume.class));
                assertThat(MapDbShutdown.field(wal.getClass(), "curVol").get(wal)).isIn(volumes.toArray());
                s.putUpdate(new LandscapeRecord("s", "landscape4j/manifest", "w", 1, 100 + i, "{\"i\":" + i + "}",
                        new float[0])); // commits both
            }
        } finally {
            s.close();
        }
        LandscapeFileStatsStorage again = new LandscapeFileStatsStorage(file);
        try {
            for (int i = 0; i < 3; i++) {
                Persistable p = again.getUpdate("s", "landscape4j/checkpoint", "w", 10 + i);
                assertThat(((LandscapeRecord) p).floats()).containsExactly(params);
            }
        } finally {
            again.close();
        }
    }
}
