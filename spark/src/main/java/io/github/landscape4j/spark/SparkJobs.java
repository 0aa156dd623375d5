package io.github.landscape4j.spark;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.store.Snapshot;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands' way onto Spark, with no Spark type in the methods they call (the examples have Spark on their class
 * path only when {@code --spark} is given): a context for a master URL, open while the value is.
 * {@code local[*]} runs Spark inside this JVM, on all its cores; a cluster master ({@code spark://HOST:PORT},
 * {@code yarn}, {@code k8s://...}) runs the tasks on its executors, which need this module, landscape4j-listener and an
 * ND4J backend on their class path (e.g. {@code spark-submit --jars}).
 */
public final class SparkJobs implements AutoCloseable {
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):(\\d+)");
    private static final String MASTERS = "local, local[N], local[*], local[N,F], local-cluster[N,C,M],"
            + " spark://HOST:PORT, yarn, k8s://HOST:PORT, mesos://HOST:PORT";

    private final JavaSparkContext sc;

    private SparkJobs(JavaSparkContext sc) {
        this.sc = sc;
    }

    /** A snapshot planned here and evaluated on a Spark context of {@code master} (stopped afterwards). */
    public static Snapshot snapshot(String master, LandscapeEngine engine, SnapshotRequest request) {
        try (SparkJobs jobs = open(master)) {
            return jobs.snapshot(engine.plan(request), 0);
        }
    }

    /**
     * A context of {@code master} (app name {@code landscape4j}, Spark's web UI off, local masters bound to the
     * loopback address), stopped by {@link #close()}.
     *
     * @throws IllegalArgumentException naming the master when it is not a Spark master URL, or a standalone master
     *                                  that does not answer
     */
    public static SparkJobs open(String master) {
        check(master);
        SparkConf conf = new SparkConf().setMaster(master).setAppName("landscape4j")
                .set("spark.ui.enabled", "false");
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            JavaSparkContext sc = new JavaSparkContext(conf);
            sc.setLogLevel("WARN");
            return new SparkJobs(sc);
        } catch (Exception e) { // Spark's SparkException is checked, thrown from Scala undeclared
            if (String.valueOf(e.getMessage()).contains("Master URL")) {
                throw new IllegalArgumentException("Spark master '" + master + "' is not a master URL Spark knows: "
                        + MASTERS, e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("landscape4j: Spark did not start"
                    + " on master " + master + ": " + e.getMessage(), e);
        }
    }

    /** The Spark context (for a user's own jobs next to landscape4j's). */
    public JavaSparkContext context() {
        return sc;
    }

    /** Its default parallelism: the cores of a local master, the executors' cores of a cluster. */
    public int cores() {
        return sc.defaultParallelism();
    }

    /** {@link SparkLandscape#snapshot(JavaSparkContext, ShardedSnapshot, int)} on this context. */
    public Snapshot snapshot(ShardedSnapshot plan, int rowsPerTask) {
        return SparkLandscape.snapshot(sc, plan, rowsPerTask);
    }

    /** A study runner that trains each run as a task on this context ({@link SparkStudyRunner}). */
    public io.github.landscape4j.study.StudyRunner studyRunner() {
        return new SparkStudyRunner(sc);
    }

    /** Seconds Spark itself takes for {@code tasks} tasks that do nothing (its per-task cost, for projections). */
    public double emptyTasksSeconds(int tasks) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            items.add(i);
        }
        long t0 = System.nanoTime();
        sc.parallelize(items, tasks).map(i -> i).count();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Stops the context. */
    @Override
    public void close() {
        sc.stop();
    }

    /** Fails early and clearly on an empty master or a standalone master that does not answer. */
    static void check(String master) {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("Spark master is empty: give one of " + MASTERS);
        }
        Matcher m = STANDALONE.matcher(master.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))), 5_000);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Spark master " + master + " does not answer (" + e.getMessage()
                        + "): is the standalone master running there?", e);
            }
        }
    }
}
