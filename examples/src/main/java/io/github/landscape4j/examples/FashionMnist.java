package io.github.landscape4j.examples;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads Fashion-MNIST from the idx files of Debian's {@code dataset-fashion-mnist} package
 * ({@code /usr/share/datasets/fashion-mnist}); DL4J's own iterators download from the internet.
 * Features are scaled to [0, 1] and flattened to 784; labels are one-hot over 10 classes.
 */
public final class FashionMnist {
    /** Where Debian installs the files; override with {@code -Dlandscape4j.fashionMnist=DIR}. */
    public static final Path DIR = Path.of(System.getProperty("landscape4j.fashionMnist",
            "/usr/share/datasets/fashion-mnist"));

    private FashionMnist() {
    }

    /** The first {@code limit} examples of the training split, in minibatches of {@code batchSize}. */
    public static List<DataSet> train(int limit, int batchSize) throws IOException {
        return load("train", limit, batchSize);
    }

    /** The first {@code limit} examples of the test split. */
    public static List<DataSet> test(int limit, int batchSize) throws IOException {
        return load("t10k", limit, batchSize);
    }

    /** Fails with the install command when the files are missing. */
    public static void requireInstalled() {
        if (!Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz"))) {
            throw new IllegalStateException("Fashion-MNIST not found under " + DIR
                    + ": install it with `sudo apt-get install dataset-fashion-mnist`"
                    + " (or pass -Dlandscape4j.fashionMnist=DIR holding the idx .gz files)");
        }
    }

    private static List<DataSet> load(String split, int limit, int batchSize) throws IOException {
        requireInstalled();
        float[][] images = images(DIR.resolve(split + "-images-idx3-ubyte.gz"), limit);
        int[] labels = labels(DIR.resolve(split + "-labels-idx1-ubyte.gz"), images.length);
        List<DataSet> out = new ArrayList<>();
        for (int start = 0; start < images.length; start += batchSize) {
            int n = Math.min(batchSize, images.length - start);
            float[][] x = new float[n][];
            float[][] y = new float[n][10];
            for (int i = 0; i < n; i++) {
                x[i] = images[start + i];
                y[i][labels[start + i]] = 1f;
            }
            out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
        }
        return out;
    }

    private static float[][] images(Path file, int limit) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2051) {
                throw new IOException(file + " is not an idx image file (magic " + magic + ", expected 2051)");
            }
            int count = Math.min(in.readInt(), limit);
            int rows = in.readInt();
            int cols = in.readInt();
            float[][] out = new float[count][rows * cols];
            byte[] buf = new byte[rows * cols];
            for (int i = 0; i < count; i++) {
                in.readFully(buf);
                for (int j = 0; j < buf.length; j++) {
                    out[i][j] = (buf[j] & 0xFF) / 255f;
                }
            }
            return out;
        }
    }

    private static int[] labels(Path file, int count) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 2049) {
                throw new IOException(file + " is not an idx label file (magic " + magic + ", expected 2049)");
            }
            int n = Math.min(in.readInt(), count);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
    }
}
