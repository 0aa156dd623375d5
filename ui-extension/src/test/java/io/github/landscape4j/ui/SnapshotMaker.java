package io.github.landscape4j.ui;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stand-in for the landscape engine until it lands: builds {@link Snapshot}s from real loss evaluations of a real
 * network around its current parameters (a fixed filter-normalized random plane, the PCA plane of the recorded
 * checkpoints, an interpolation slice and a random slice, probe losses and random-perturbation sharpness). Must be
 * called on the training thread between steps; restores the parameters it moved.
 */
final class SnapshotMaker {
    private final MultiLayerNetwork net;
    private final List<ParameterTensor> tensors;
    private final DataSet train;
    private final DataSet val;
    private final long seed;
    private final double[] d1;
    private final double[] d2;

    SnapshotMaker(MultiLayerNetwork net, List<ParameterTensor> tensors, DataSet train, DataSet val, long seed) {
        this.net = net;
        this.tensors = tensors;
        this.train = train;
        this.val = val;
        this.seed = seed;
        Random r = new Random(seed); // the run's fixed plane: same directions at every snapshot
        double[] theta = net.params().toDoubleVector();
        this.d1 = filterNormalized(gaussian(r, theta.length), theta);
        this.d2 = filterNormalized(gaussian(r, theta.length), theta);
    }

    Snapshot make(int index, long iteration, int epoch, long wallMillis, List<Checkpoint> checkpoints) {
        double[] theta = net.params().toDoubleVector();
        try {
            List<Surface> surfaces = new ArrayList<>();
            double[] grid = linspace(-1, 1, 11);
            surfaces.add(surface("random", theta, d1, d2, grid, grid, List.of("d1 (filter-normalized)",
                    "d2 (filter-normalized)"), new double[0], new double[0][], new long[0]));
            pcaSurface(theta, checkpoints, iteration).ifPresent(surfaces::add);
            List<Slice> slices = new ArrayList<>();
            double[] alphas = linspace(-0.5, 1.5, 11);
            checkpoints.stream().filter(c -> c.kind() == Checkpoint.Kind.INITIAL).findFirst().ifPresent(init -> {
                double[] start = toDouble(init.params());
                slices.add(slice("interpolation", "initial → current", alphas, a -> lerp(start, theta, a)));
            });
            slices.add(slice("random", "along d1", linspace(-1, 1, 11), a -> axpy(theta, a, d1)));
            Map<String, Double> m = new LinkedHashMap<>();
            double trainLoss = loss(theta, train);
            double valLoss = loss(theta, val);
            m.put("train_loss", trainLoss);
            m.put("val_loss", valLoss);
            m.put("train_accuracy", accuracy(theta, train));
            m.put("val_accuracy", accuracy(theta, val));
            m.put("gap", valLoss - trainLoss);
            m.put("accuracy_gap", m.get("train_accuracy") - m.get("val_accuracy"));
            Random r = new Random(seed + 1000 + index);
            double sum = 0;
            double max = 0;
            for (int k = 0; k < 5; k++) {
                double[] d = filterNormalized(gaussian(r, theta.length), theta);
                double delta = Math.abs(loss(axpy(theta, 0.05, d), train) - trainLoss);
                sum += delta;
                max = Math.max(max, delta);
            }
            m.put("sharpness_random_mean", sum / 5);
            m.put("sharpness_random_max", max);
            return new Snapshot(index, iteration, epoch, wallMillis, seed, Map.of("train", train.numExamples()
                    + " examples", "validation", val.numExamples() + " examples", "source", "SnapshotMaker (test)"),
                    surfaces, slices, m, Map.of(), Map.of("total", 0.0));
        } finally {
            net.setParams(Nd4j.create(theta).castTo(net.params().dataType()).reshape(net.params().shape()));
        }
    }

    private java.util.Optional<Surface> pcaSurface(double[] centre, List<Checkpoint> checkpoints, long iteration) {
        List<double[]> rows = new ArrayList<>();
        List<Long> its = new ArrayList<>();
        for (Checkpoint c : checkpoints) {
            if (c.kind() != Checkpoint.Kind.FINAL) {
                double[] p = toDouble(c.params());
                for (int i = 0; i < p.length; i++) {
                    p[i] -= centre[i];
                }
                rows.add(p);
                its.add(c.iteration());
            }
        }
        if (rows.size() < 3) {
            return java.util.Optional.empty();
        }
        int k = rows.size();
        double[][] gram = new double[k][k];
        double trace = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                gram[i][j] = dot(rows.get(i), rows.get(j));
            }
            trace += gram[i][i];
        }
        double[] v1 = topEigenvector(gram, null);
        double[] v2 = topEigenvector(gram, v1);
        double[] p1 = unit(combine(rows, v1));
        double[] p2 = combine(rows, v2);
        double[] proj = p1.clone();
        double c = dot(p2, p1);
        for (int i = 0; i < p2.length; i++) {
            p2[i] -= c * proj[i];
        }
        p2 = unit(p2);
        double[][] path = new double[k + 1][];
        long[] pathIts = new long[k + 1];
        double ext = 1e-6;
        for (int i = 0; i < k; i++) {
            path[i] = new double[]{dot(rows.get(i), p1), dot(rows.get(i), p2)};
            pathIts[i] = its.get(i);
            ext = Math.max(ext, Math.max(Math.abs(path[i][0]), Math.abs(path[i][1])));
        }
        path[k] = new double[]{0, 0};
        pathIts[k] = iteration;
        double e1 = rayleigh(gram, v1) / trace;
        double e2 = rayleigh(gram, v2) / trace;
        double[] grid = linspace(-1.2 * ext, 1.2 * ext, 11);
        return java.util.Optional.of(surface("pca", centre, p1, p2, grid, grid,
                List.of(String.format("PC1 (%.1f%%)", 100 * e1), String.format("PC2 (%.1f%%)", 100 * e2)),
                new double[]{e1, e2}, path, pathIts));
    }

    private Surface surface(String plane, double[] theta, double[] a, double[] b, double[] xs, double[] ys,
                            List<String> labels, double[] explained, double[][] path, long[] pathIts) {
        double[][] tl = new double[ys.length][xs.length];
        double[][] ta = new double[ys.length][xs.length];
        double[][] vl = new double[ys.length][xs.length];
        double[][] va = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                double[] p = axpy(axpy(theta, xs[i], a), ys[j], b);
                tl[j][i] = loss(p, train);
                ta[j][i] = accuracy(p, train);
                vl[j][i] = loss(p, val);
                va[j][i] = accuracy(p, val);
            }
        }
        return new Surface(plane, plane.equals("pca") ? "none" : "filter", xs, ys, tl, ta, vl, va, labels,
                explained, path, pathIts);
    }

    private Slice slice(String kind, String label, double[] alphas, java.util.function.DoubleFunction<double[]> at) {
        int n = alphas.length;
        double[] tl = new double[n];
        double[] ta = new double[n];
        double[] vl = new double[n];
        double[] va = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = at.apply(alphas[i]);
            tl[i] = loss(p, train);
            ta[i] = accuracy(p, train);
            vl[i] = loss(p, val);
            va[i] = accuracy(p, val);
        }
        return new Slice(kind, label, alphas, tl, ta, vl, va);
    }

    private void set(double[] p) {
        net.setParams(Nd4j.create(p).castTo(net.params().dataType()).reshape(net.params().shape()));
    }

    private double loss(double[] p, DataSet d) {
        set(p);
        return net.score(d);
    }

    private double accuracy(double[] p, DataSet d) {
        set(p);
        INDArray out = net.output(d.getFeatures());
        INDArray hit = out.argMax(1).eq(d.getLabels().argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        return hit.meanNumber().doubleValue();
    }

    /** Per output unit of each weight tensor (a column of a dense [nIn, nOut] W): scaled to the weights' norm. */
    private double[] filterNormalized(double[] d, double[] theta) {
        double[] out = new double[d.length];
        for (ParameterTensor t : tensors) {
            long[] s = t.shape();
            if (!t.name().endsWith("_W") || s.length != 2) {
                continue; // zero on biases
            }
            int rows = (int) s[0];
            for (int j = 0; j < s[1]; j++) {
                int off = (int) t.offset() + j * rows; // DL4J keeps W in 'f' order: a column is contiguous
                double nd = 0;
                double nt = 0;
                for (int i = 0; i < rows; i++) {
                    nd += d[off + i] * d[off + i];
                    nt += theta[off + i] * theta[off + i];
                }
                double scale = Math.sqrt(nt) / Math.max(1e-12, Math.sqrt(nd));
                for (int i = 0; i < rows; i++) {
                    out[off + i] = d[off + i] * scale;
                }
            }
        }
        return out;
    }

    private static double[] topEigenvector(double[][] g, double[] deflate) {
        int k = g.length;
        double[] v = new double[k];
        java.util.Arrays.fill(v, 1);
        v[0] = 2; // not orthogonal to the top eigenvector in practice
        double lambda1 = deflate == null ? 0 : rayleigh(g, deflate);
        for (int iter = 0; iter < 500; iter++) {
            double[] w = new double[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    w[i] += g[i][j] * v[j];
                }
                if (deflate != null) {
                    double dv = 0;
                    for (int j = 0; j < k; j++) {
                        dv += deflate[j] * v[j];
                    }
                    w[i] -= lambda1 * deflate[i] * dv;
                }
            }
            v = unit(w);
        }
        return v;
    }

    private static double rayleigh(double[][] g, double[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                s += v[i] * g[i][j] * v[j];
            }
        }
        return s;
    }

    private static double[] combine(List<double[]> rows, double[] w) {
        double[] out = new double[rows.get(0).length];
        for (int r = 0; r < rows.size(); r++) {
            double[] row = rows.get(r);
            for (int i = 0; i < out.length; i++) {
                out[i] += w[r] * row[i];
            }
        }
        return out;
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / Math.max(n, 1e-300);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] axpy(double[] x, double a, double[] d) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += a * d[i];
        }
        return out;
    }

    private static double[] lerp(double[] from, double[] to, double a) {
        double[] out = new double[from.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - a) * from[i] + a * to[i];
        }
        return out;
    }

    private static double[] gaussian(Random r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return d;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] linspace(double from, double to, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + (to - from) * i / (n - 1);
        }
        return out;
    }
}
