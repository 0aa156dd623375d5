package io.github.landscape4j.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.StatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few hundred mutants of a real small store (truncations, byte flips, zeroed pages, overwritten blocks) and alien
 * files (empty, zip, text, directory, FIFO, another program's MapDB file), made with a fixed seed. Each is opened
 * and read in full through every reader call, with a timeout: the only outcomes allowed are a
 * {@link StoreException} naming the file, or exactly the data of the original. Opening never changes the file.
 */
class CorruptFilesFuzzTest {
    /** The seed of the mutants; {@code -Dlandscape4j.fuzz.seed=N} to try others. */
    private static final long SEED = Long.getLong("landscape4j.fuzz.seed", 14);
    /** How many fresh stores (seeds SEED, SEED + 1, ...) to mutate; {@code -Dlandscape4j.fuzz.repeat=N}. */
    private static final int REPEAT = Integer.getInteger("landscape4j.fuzz.repeat", 1);
    /** How many byte-flip mutants of each store; {@code -Dlandscape4j.fuzz.flips=N}. */
    private static final int FLIPS = Integer.getInteger("landscape4j.fuzz.flips", 130);
    private static final int PAGE = 4096;
    /** Clean outcomes where the reader found an older version of a record, or a lost one, by the run's manifest. */
    private static final String STALE = "clean StoreException, an older or lost record";
    private static final List<String> STALE_MESSAGES = List.of("older version", "that its manifest lists",
            "but not the run itself", "cannot be found");

    @TempDir
    Path root;
    /** The directory of the current repetition's store and mutants. */
    private Path dir;

    @Test
    void everyBadFileGivesOneClearStoreExceptionOrTheRightData() throws Exception {
        List<String> bad = new ArrayList<>();
        for (int rep = 0; rep < REPEAT; rep++) {
            dir = Files.createDirectories(root.resolve("rep" + rep));
            bad.addAll(fuzz(SEED + rep));
        }
        assertThat(bad).as("mutants that gave another exception, wrong data, a changed file or no answer in time")
                .isEmpty();
    }

    /** Mutates a freshly written store with this seed; returns the bad outcomes. */
    private List<String> fuzz(long seed) throws Exception {
        Path good = dir.resolve("good.db");
        AtomicReference<Throwable> fault = new AtomicReference<>();
        try (LandscapeStore store = LandscapeStore.open(good)) {
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), "run-fuzz", 5, fault::set);
            StoreFixtures.writeRun(w, 60, 5);
            w.close();
        }
        assertThat(fault.get()).isNull();
        String expected;
        try (LandscapeStore store = LandscapeStore.openExisting(good)) {
            expected = StoreFixtures.dump(store);
            assertThat(store.snapshotCount("run-fuzz")).isEqualTo(6);
        }
        Map<String, Path> mutants = mutants(good, seed);
        Map<String, List<String>> outcomes = new LinkedHashMap<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true); // a reader stuck in a damaged file must not keep the test JVM alive
            return t;
        });
        try {
            for (Map.Entry<String, Path> m : mutants.entrySet()) {
                String outcome = outcome(pool, m.getValue(), expected);
                boolean ok = outcome.startsWith("clean") || outcome.equals("same data");
                outcomes.computeIfAbsent(ok ? outcome : "BAD", k -> new ArrayList<>())
                        .add(m.getKey() + (ok ? "" : ": " + outcome));
            }
        } finally {
            pool.shutdownNow();
        }
        int stale = outcomes.getOrDefault(STALE, List.of()).size();
        int clean = outcomes.getOrDefault("clean StoreException", List.of()).size() + stale;
        int same = outcomes.getOrDefault("same data", List.of()).size();
        List<String> bad = outcomes.getOrDefault("BAD", List.of());
        System.out.printf("landscape4j fuzz (seed %d): %d mutants: %d clean StoreException (%d of them an older or"
                + " lost record), %d read the same data, %d bad%n", seed, mutants.size(), clean, stale, same, bad.size());
        bad.forEach(b -> System.out.println("landscape4j fuzz BAD (seed " + seed + "): " + b));
        assertThat(mutants).hasSizeGreaterThan(200);
        assertThat(clean).as("most mutants are damaged where it shows").isGreaterThan(mutants.size() / 2);
        return bad.stream().map(b -> "seed " + seed + ": " + b).toList();
    }

    /** "clean StoreException", "same data", or what went wrong. */
    private static String outcome(ExecutorService pool, Path file, String expected) throws Exception {
        byte[] before = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<String> f = pool.submit(() -> {
            reader.set(Thread.currentThread());
            try (LandscapeStore store = LandscapeStore.openExisting(file)) {
                String data = StoreFixtures.dump(store);
                exerciseDl4jApi(store.statsStorage());
                return data.equals(expected) ? "same data" : "WRONG DATA, silently: " + differences(expected, data);
            } catch (StoreException e) {
                return !e.getMessage().contains(file.toString()) ? "StoreException without the file: " + e.getMessage()
                        : STALE_MESSAGES.stream().anyMatch(e.getMessage()::contains) ? STALE : "clean StoreException";
            } catch (Throwable t) {
                return "OTHER " + t;
            }
        });
        String outcome;
        try {
            outcome = f.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            Thread t = reader.get();
            String where = t == null ? "" : " in " + Arrays.stream(t.getStackTrace()).limit(20)
                    .map(String::valueOf).collect(Collectors.joining(" < "));
            f.cancel(true);
            return "NO ANSWER within 20 s" + where;
        }
        if (before != null && !Arrays.equals(before, Files.readAllBytes(file))) {
            return "FILE CHANGED by opening for reading (" + outcome + ")";
        }
        return outcome;
    }

    /** Which parts of the dump differ (see {@link StoreFixtures#dump}), shortened. */
    private static String differences(String expected, String actual) {
        JsonArray e = JsonParser.parseString(expected).getAsJsonArray();
        JsonArray a = JsonParser.parseString(actual).getAsJsonArray();
        StringBuilder out = new StringBuilder(e.size() == a.size() ? "" : e.size() + " parts, not " + a.size());
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            if (!e.get(i).equals(a.get(i))) {
                out.append(" [part ").append(i).append(": expected ").append(shorten(e.get(i))).append(", read ")
                        .append(shorten(a.get(i))).append(']');
            }
        }
        return out.toString();
    }

    private static String shorten(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** What DL4J's UI asks of the storage when it is attached. */
    private static void exerciseDl4jApi(StatsStorage s) {
        for (String session : s.listSessionIDs()) {
            s.sessionExists(session);
            s.getNumUpdateRecordsFor(session);
            for (String type : s.listTypeIDsForSession(session)) {
                s.getAllStaticInfos(session, type);
                s.getLatestUpdateAllWorkers(session, type);
                s.getAllUpdatesAfter(session, type, 0);
                s.getStorageMetaData(session, type);
                for (String worker : s.listWorkerIDsForSession(session)) {
                    s.getStaticInfo(session, type, worker);
                    s.getLatestUpdate(session, type, worker);
                    s.getUpdates(session, type, worker, s.getAllUpdateTimes(session, type, worker));
                }
            }
        }
    }

    private Map<String, Path> mutants(Path good, long seed) throws IOException, InterruptedException {
        byte[] bytes = Files.readAllBytes(good);
        int used = bytes.length;
        while (used > 0 && bytes[used - 1] == 0) {
            used--;
        }
        Random rnd = new Random(seed);
        Map<String, Path> out = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            int length = i < 4 ? new int[]{1, 8, 16, PAGE}[i] : rnd.nextInt(used);
            out.put("truncated to " + length, write("trunc" + i, Arrays.copyOf(bytes, length)));
        }
        // flips where the store has data: most of a MapDB file is space it allocated and left zero
        int[] data = java.util.stream.IntStream.range(0, used).filter(k -> bytes[k] != 0).toArray();
        for (int i = 0; i < FLIPS; i++) {
            byte[] b = bytes.clone();
            int flips = 1 + rnd.nextInt(4);
            StringBuilder at = new StringBuilder();
            for (int k = 0; k < flips; k++) {
                int p = data[rnd.nextInt(data.length)];
                b[p] ^= (byte) (1 + rnd.nextInt(255));
                at.append(' ').append(p);
            }
            out.put("bytes flipped at" + at, write("flip" + i, b));
        }
        int pages = (used + PAGE - 1) / PAGE;
        for (int i = 0; i < 30; i++) {
            byte[] b = bytes.clone();
            int page = i < pages ? i : rnd.nextInt(pages);
            Arrays.fill(b, page * PAGE, Math.min(b.length, (page + 1) * PAGE), (byte) 0);
            out.put("page " + page + " zeroed (" + i + ")", write("zero" + i, b));
        }
        for (int i = 0; i < 20; i++) {
            byte[] b = bytes.clone();
            int p = data[rnd.nextInt(data.length)];
            byte[] junk = new byte[64];
            rnd.nextBytes(junk);
            System.arraycopy(junk, 0, b, p, Math.min(junk.length, b.length - p));
            out.put("64 random bytes at " + p, write("junk" + i, b));
        }
        out.put("empty", write("empty", new byte[0]));
        out.put("text", Files.writeString(dir.resolve("notes.db"), "not a store\n".repeat(300)));
        out.put("zip of the store", zip(good));
        out.put("directory", Files.createDirectory(dir.resolve("a-directory.db")));
        if (new ProcessBuilder("mkfifo", dir.resolve("fifo.db").toString()).start().waitFor() == 0) {
            out.put("FIFO", dir.resolve("fifo.db"));
        }
        out.put("another program's MapDB file", otherProgramsMapDb());
        out.put("the store's first page only", write("firstpage", Arrays.copyOf(bytes, PAGE)));
        return out;
    }

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(dir.resolve(name + ".db"), b);
    }

    private Path zip(Path good) throws IOException {
        Path z = dir.resolve("store.zip.db");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
            out.putNextEntry(new ZipEntry("good.db"));
            out.write(Files.readAllBytes(good));
            out.closeEntry();
        }
        return z;
    }

    private Path otherProgramsMapDb() {
        Path p = dir.resolve("other-program.db");
        DB db = DBMaker.fileDB(p.toFile()).transactionEnable().make();
        db.hashMap("users", Serializer.STRING, Serializer.STRING).createOrOpen().put("alice", "admin");
        db.commit();
        db.close();
        return p;
    }
}
