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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands' way onto Spark, with no Spark type in its methods (the examples call it with Spark on the class path
 * only when {@code --spark} is given): a context for a master URL, made and stopped around one job. {@code local[*]}
 * runs Spark inside this JVM, on all its cores; a cluster master ({@code spark://HOST:PORT}, {@code yarn},
 * {@code k8s://...}) runs the tasks on its executors, which need this module, landscape4j-listener and an ND4J
 * backend on their class path (e.g. {@code spark-submit --jars}).
 */
public final class SparkJobs {
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):(\\d+)");
    private static final String MASTERS = "local, local[N], local[*], local[N,F], local-cluster[N,C,M],"
            + " spark://HOST:PORT, yarn, k8s://HOST:PORT, mesos://HOST:PORT";

    private SparkJobs() {
    }

    /** A snapshot planned here and evaluated on a Spark context of {@code master} (stopped afterwards). */
    public static Snapshot snapshot(String master, LandscapeEngine engine, SnapshotRequest request) {
        return withContext(master, sc -> SparkLandscape.snapshot(sc, engine, request));
    }

    /**
     * Runs {@code job} on a context of {@code master} made for it (app name {@code landscape4j}, Spark's web UI off,
     * local masters bound to the loopback address), stopped afterwards.
     *
     * @throws IllegalArgumentException naming the master when it is not a Spark master URL, or a standalone master
     *                                  that does not answer
     */
    public static <T> T withContext(String master, Function<JavaSparkContext, T> job) {
        check(master);
        SparkConf conf = new SparkConf().setMaster(master).setAppName("landscape4j")
                .set("spark.ui.enabled", "false");
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) { // Spark's SparkException is checked, thrown from Scala undeclared
            if (String.valueOf(e.getMessage()).contains("Master URL")) {
                throw new IllegalArgumentException("Spark master '" + master + "' is not a master URL Spark knows: "
                        + MASTERS, e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("landscape4j: Spark did not start"
                    + " on master " + master + ": " + e.getMessage(), e);
        }
        try {
            sc.setLogLevel("WARN");
            return job.apply(sc);
        } finally {
            sc.stop();
        }
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
