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

    /**
     * Numbers written through it are MapDB's bytes and read back as MapDB reads them: each encoding written by both
     * (MapDB's file volume and this one, at the same offset of two files) gives equal files, and each reader reads
     * the other's value, at values that fill every byte, negative ones, and the packed form's 1-to-10-byte lengths.
     */
    @Test
    void numbersAreMapDbsBytes(@TempDir Path dir) {
        Volume mapdb = new RandomAccessFileVol(dir.resolve("m").toFile(), false, 0, 0);
        Volume raw = new RandomAccessFileVol(dir.resolve("d").toFile(), false, 0, 0);
        DelegatingVolume ours = new DelegatingVolume(raw);
        try {
            mapdb.ensureAvailable(4096);
            ours.ensureAvailable(4096);
            long[] values = {0, 1, 127, 128, 255, 0x1234_5678_9ABC_DEF0L, -1, Long.MIN_VALUE, Long.MAX_VALUE,
                    0x0000_8000_0000_0001L, 0x0000_FFFF_FFFF_FFFFL};
            Random random = new Random(3);
            for (long v : values) {
                int at = 8 + random.nextInt(3000);
                mapdb.putLong(at, v);
                ours.putLong(at, v);
                assertThat(ours.getLong(at)).isEqualTo(mapdb.getLong(at)).isEqualTo(v);
                mapdb.putInt(at + 16, (int) v);
                ours.putInt(at + 16, (int) v);
                assertThat(ours.getInt(at + 16)).isEqualTo(mapdb.getInt(at + 16)).isEqualTo((int) v);
                long six = v & 0x0000_FFFF_FFFF_FFFFL;
                mapdb.putSixLong(at + 32, six);
                ours.putSixLong(at + 32, six);
                assertThat(ours.getSixLong(at + 32)).isEqualTo(mapdb.getSixLong(at + 32)).isEqualTo(six);
                int sh = (int) (v & 0xFFFF);
                mapdb.putUnsignedShort(at + 48, sh);
                ours.putUnsignedShort(at + 48, sh);
                assertThat(ours.getUnsignedShort(at + 48)).isEqualTo(mapdb.getUnsignedShort(at + 48)).isEqualTo(sh);
                if (v >= 0) {
                    int n = mapdb.putPackedLong(at + 64, v);
                    assertThat(ours.putPackedLong(at + 64, v)).isEqualTo(n);
                    assertThat(ours.getPackedLong(at + 64)).isEqualTo(mapdb.getPackedLong(at + 64));
                }
            }
            for (int len = 1; len <= 9; len++) { // packed lengths 1-9 bytes (MapDB's packing of 63 bits)
                long v = (1L << (7 * len - 1)) | 5;
                int n = mapdb.putPackedLong(3500, v);
                assertThat(ours.putPackedLong(3500, v)).isEqualTo(n);
            }
            byte[] a = new byte[4096];
            byte[] b = new byte[4096];
            mapdb.getData(0, a, 0, a.length);
            raw.getData(0, b, 0, b.length);
            assertThat(b).isEqualTo(a);
        } finally {
            mapdb.close();
            ours.close();
        }
    }

    /** MapDB's reads of the store file go through the journaled volume (one system call a number), still read-only. */
    @Test
    void storeReadsGoThroughIt(@TempDir Path dir) throws Exception {
        LandscapeFileStatsStorage s = new LandscapeFileStatsStorage(dir.resolve("run.db").toFile());
        try {
            Object store = MapDbShutdown.store(s);
            Object reads = MapDbShutdown.field(store.getClass(), "volume").get(store);
            assertThat(reads).isInstanceOf(org.mapdb.volume.ReadOnlyVolume.class);
            assertThat(MapDbShutdown.field(reads.getClass(), "vol").get(reads))
                    .isSameAs(MapDbShutdown.field(store.getClass(), "realVolume").get(store))
                    .isInstanceOf(JournaledVolume.class);
        } finally {
            s.close();
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
