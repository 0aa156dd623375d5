package io.github.landscape4j.examples;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A training program that knows nothing about landscape4j: it trains a small MultiLayerNetwork and a small
 * ComputationGraph on synthetic data, with listeners of its own set the common way ({@code net.init();
 * net.setListeners(...)}, and again halfway), and prints every minibatch score its own listener sees and a SHA-256 of the final
 * parameters. The agent's tests and benchmark run it as is; a run with the agent must print the same.
 *
 * <pre>
 * PlainTraining [ITERATIONS] [--timing]
 * PlainTraining --sweep MODELS
 * </pre>
 *
 * {@code --exit} ends the program with {@code System.exit(0)} after training instead of returning from {@code main}.
 * {@code --timing} also prints the milliseconds from JVM start to the end of the first training iteration.
 * {@code --sweep} trains MODELS small networks one after another, as a hyperparameter sweep does, dropping each, and
 * prints the program's footprint (heap after GC, off-heap bytes, live threads) after the 10th and the last, then the
 * time {@code main} returns.
 */
public final class PlainTraining {

    private static final int FEATURES = 20;
    private static final int CLASSES = 3;
    private static final int BATCH = 32;

    private PlainTraining() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = 20;
        boolean timing = false;
        boolean exit = false;
        if (args.length == 2 && args[0].equals("--sweep")) {
            sweep(Integer.parseInt(args[1]), System.out);
            return;
        }
        for (String a : args) {
            if (a.equals("--timing")) {
                timing = true;
            } else if (a.equals("--exit")) {
                exit = true;
            } else {
                iterations = Integer.parseInt(a);
            }
        }
        train(iterations, timing, System.out, model -> { });
        if (exit) {
            System.out.flush();
            System.exit(0); // as programs that end with System.exit do: main never returns
        }
    }

    /**
     * Trains both models and prints what their own listeners see. {@code listenersSet} gets a model each time its
     * listeners have been set (a hand-wired variant adds the landscape listener there).
     */
    public static void train(int iterations, boolean timing, PrintStream out, Consumer<Model> listenersSet)
            throws NoSuchAlgorithmException {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp());
        net.init();
        PrintingListener printing = new PrintingListener("mlp", out, timing);
        net.setListeners(new ScoreIterationListener(10), printing);
        listenersSet.accept(net);
        ComputationGraph graph = new ComputationGraph(graph());
        graph.init();
        graph.addListeners(new PrintingListener("graph", out, false));
        listenersSet.accept(graph);
        Random random = new Random(7);
        for (int i = 0; i < iterations; i++) {
            if (i == iterations / 2) {
                // programs change their listeners between phases; this replaces the whole list
                net.setListeners(printing, new ScoreIterationListener(5));
                listenersSet.accept(net);
            }
            DataSet batch = batch(random);
            net.fit(batch);
            graph.fit(batch);
        }
        out.println("mlp params sha256 " + sha256(net.params()));
        out.println("graph params sha256 " + sha256(graph.params()));
    }

    /** Trains {@code models} MLPs in sequence, each for a few iterations and then dropped; prints footprints. */
    public static void sweep(int models, PrintStream out) throws InterruptedException {
        Random random = new Random(7);
        for (int m = 1; m <= models; m++) {
            train(random);
            if (m == 10 || m == models) {
                out.println(footprint("after model " + m));
            }
        }
        out.println("main returns at " + System.currentTimeMillis());
    }

    private static void train(Random random) {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp());
        net.init();
        for (int i = 0; i < 5; i++) {
            net.fit(batch(random));
        }
    }

    /**
     * Heap after GC, ND4J's off-heap bytes and live threads, once collection has settled: neither the heap nor the
     * thread count went down for a second (clean-up of collected models, by ND4J or a plugin, runs in the
     * background), or after 15 s.
     */
    private static String footprint(String when) throws InterruptedException {
        long heap = Long.MAX_VALUE;
        int threads = Integer.MAX_VALUE;
        for (int i = 0, stable = 0; i < 150 && stable < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int t = ManagementFactory.getThreadMXBean().getThreadCount();
            stable = h >= heap - 64 * 1024 && t >= threads ? stable + 1 : 0;
            heap = Math.min(heap, h);
            threads = Math.min(threads, t);
        }
        return "footprint " + when + ": heap " + heap + " offheap " + org.bytedeco.javacpp.Pointer.totalBytes()
                + " threads " + threads;
    }

    private static MultiLayerConfiguration mlp() {
        return new NeuralNetConfiguration.Builder().seed(11).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    private static ComputationGraphConfiguration graph() {
        return new NeuralNetConfiguration.Builder().seed(13).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(FEATURES).nOut(8).activation(Activation.TANH)
                        .build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out")
                .build();
    }

    /** Points around one of three centres; deterministic from {@code random}. */
    private static DataSet batch(Random random) {
        float[][] x = new float[BATCH][FEATURES];
        float[][] y = new float[BATCH][CLASSES];
        for (int i = 0; i < BATCH; i++) {
            int c = random.nextInt(CLASSES);
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = (float) (random.nextGaussian() + (j % CLASSES == c ? 1.5 : 0));
            }
            y[i][c] = 1f;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    private static String sha256(INDArray params) throws NoSuchAlgorithmException {
        float[] values = params.castTo(DataType.FLOAT).toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            bytes.putInt(Float.floatToRawIntBits(v));
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }

    /** The program's own listener: prints each minibatch score exactly, and optionally the time to iteration 1. */
    private static final class PrintingListener extends BaseTrainingListener {
        private final String name;
        private final PrintStream out;
        private boolean timing;

        PrintingListener(String name, PrintStream out, boolean timing) {
            this.name = name;
            this.out = out;
            this.timing = timing;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            if (timing) {
                timing = false;
                long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                out.println("first iteration done " + ms + " ms after JVM start");
            }
            out.println(name + " iteration " + iteration + " score " + model.score());
        }
    }
}
