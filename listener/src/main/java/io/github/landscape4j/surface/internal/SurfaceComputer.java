package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.Probe;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Internal: evaluates {@code L(θ + a·d1 + b·d2)} over a grid and {@code L(θ + α·d)} along a line on a
 * {@link ProbeModel}. Each row starts from {@code θ + b·d2} (one copy and one axpy), each point writes {@code a·d1}
 * plus it into the copy's parameters, then one forward pass per probe; with the first-layer linearity path, only the parameters
 * past the first layer are moved and the first layer comes from the plane's products. ND4J operations only.
 */
public final class SurfaceComputer {

    /** Loss and accuracy grids {@code [j][i]} at {@code (xs[i], ys[j])}, on one probe. */
    public record Grids(double[][] loss, double[][] accuracy) {
    }

    /** Loss and accuracy along a line. */
    public record Line(double[] loss, double[] accuracy) {
    }

    private final ProbeModel model;
    private final LinearFirstLayer kept;
    /** The linearity path for the plane or line being computed: null when absent or its products do not fit. */
    private LinearFirstLayer linear;
    private Runnable afterRow;
    private INDArray rowBuffer;

    /** Evaluates every point with a full forward pass. */
    public SurfaceComputer(ProbeModel model) {
        this(model, null);
    }

    /** Uses the first-layer linearity path for planes when {@code linear} is given. */
    public SurfaceComputer(ProbeModel model, LinearFirstLayer linear) {
        this(model, linear, () -> { });
    }

    /**
     * As {@link #SurfaceComputer(ProbeModel, LinearFirstLayer)}; {@code afterRow} runs after each row of a plane and
     * may throw to stop it (the caller's cancellation): the copy's parameters are restored either way.
     */
    public SurfaceComputer(ProbeModel model, LinearFirstLayer linear, Runnable afterRow) {
        this.model = model;
        this.kept = linear;
        this.afterRow = afterRow;
    }

    /**
     * Runs {@code afterRow} after each row from now on (a computer kept across snapshots: each has its own
     * cancellation).
     */
    public SurfaceComputer afterRow(Runnable afterRow) {
        this.afterRow = afterRow;
        return this;
    }

    /**
     * Frees the linearity path's workspace on the calling thread (after a snapshot); its kept buffers stay for the
     * next one.
     */
    public void release() {
        if (kept != null) {
            kept.release();
        }
    }

    /** Evenly spaced points from {@code from} to {@code to}, {@code n} of them. */
    public static double[] linspace(double from, double to, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = n == 1 ? from : from + (to - from) * i / (n - 1);
        }
        return v;
    }

    /** 2D grids around {@code theta} on each probe (second probe may be null). Returns {train, validation}. */
    public Grids[] plane(INDArray theta, INDArray d1, INDArray d2, double[] xs, double[] ys, Probe train,
                         Probe validation) {
        linear = usable(train, validation);
        INDArray p = model.params();
        INDArray d1Moved = d1;
        INDArray d2Moved = d2;
        INDArray thetaMoved = theta;
        if (linear != null) { // the first layer enters through the plane's products: move only the rest
            p = linear.tail(p);
            d1Moved = linear.tail(d1);
            d2Moved = linear.tail(d2);
            thetaMoved = linear.tail(theta);
        }
        if (rowBuffer == null || rowBuffer.length() != p.length()) {
            rowBuffer = p.ulike(); // kept: a fresh buffer per plane costs page faults
        }
        INDArray rowBase = rowBuffer;
        LinearFirstLayer.Plane trainPlane = linear == null ? null : linear.plane(theta, d1, d2, train);
        LinearFirstLayer.Plane valPlane = linear == null || validation == null ? null
                : linear.plane(theta, d1, d2, validation);
        Grids t = new Grids(new double[ys.length][xs.length], new double[ys.length][xs.length]);
        Grids v = validation == null ? null : new Grids(new double[ys.length][xs.length],
                new double[ys.length][xs.length]);
        try {
            rows(thetaMoved, d1Moved, d2Moved, p, rowBase, xs, ys, train, validation, trainPlane, valPlane, t, v);
        } finally {
            model.load(theta);
        }
        return new Grids[]{t, v};
    }

    private void rows(INDArray thetaMoved, INDArray d1Moved, INDArray d2Moved, INDArray p, INDArray rowBase,
                      double[] xs, double[] ys, Probe train, Probe validation, LinearFirstLayer.Plane trainPlane,
                      LinearFirstLayer.Plane valPlane, Grids t, Grids v) {
        for (int j = 0; j < ys.length; j++) {
            rowBase.assign(thetaMoved);
            Nd4j.getBlasWrapper().level1().axpy(rowBase.length(), ys[j], d2Moved, rowBase);
            ProbeModel.Row trainRow = model.row(train, xs.length);
            ProbeModel.Row valRow = validation == null ? null : model.row(validation, xs.length);
            if (linear != null && linear.batched()) { // the whole row through the rest of the network at once
                linear.addRow(trainPlane, xs, ys[j], rowBase, d1Moved, trainRow);
                if (valRow != null) {
                    linear.addRow(valPlane, xs, ys[j], rowBase, d1Moved, valRow);
                }
            } else {
                for (int i = 0; i < xs.length; i++) {
                    point(xs[i], ys[j], rowBase, d1Moved, p, train, validation, trainPlane, valPlane, trainRow,
                            valRow);
                }
            }
            fill(trainRow.finish(), t, j);
            if (valRow != null) {
                fill(valRow.finish(), v, j);
            }
            afterRow.run();
        }
    }

    /** One point {@code (x, y)} of a row whose base {@code θ + y·d2} is {@code rowBase}, with a forward each. */
    private void point(double x, double y, INDArray rowBase, INDArray d1Moved, INDArray p, Probe train,
                       Probe validation, LinearFirstLayer.Plane trainPlane, LinearFirstLayer.Plane valPlane,
                       ProbeModel.Row trainRow, ProbeModel.Row valRow) {
        if (linear == null) { // a BLAS axpy: the forward that follows starts with BLAS's matrix product
            p.assign(rowBase);
            Nd4j.getBlasWrapper().level1().axpy(p.length(), x, d1Moved, p);
            trainRow.add(model.outputs(train));
            if (valRow != null) {
                valRow.add(model.outputs(validation));
            }
        } else { // ND4J's axpy: the linear path continues with ND4J ops (see LinearFirstLayer)
            Nd4j.exec(new Axpy(d1Moved, rowBase, p, x));
            linear.addPoint(trainPlane, x, y, trainRow);
            if (valRow != null) {
                linear.addPoint(valPlane, x, y, valRow);
            }
        }
    }

    private static void fill(Evaluation[] row, Grids g, int j) {
        for (int i = 0; i < row.length; i++) {
            g.loss()[j][i] = row[i].loss();
            g.accuracy()[j][i] = row[i].accuracy();
        }
    }

    /**
     * {@code L(base + α·d)} for each alpha, on each probe, through the first-layer linearity path when there is one
     * (two products per line and probe). Returns {train, validation}.
     */
    public Line[] line(INDArray base, INDArray d, double[] alphas, Probe train, Probe validation) {
        linear = usable(train, validation);
        INDArray p = model.params();
        INDArray baseMoved = base;
        INDArray dMoved = d;
        LinearFirstLayer.Plane trainLine = null;
        LinearFirstLayer.Plane valLine = null;
        if (linear != null) {
            p = linear.tail(p);
            baseMoved = linear.tail(base);
            dMoved = linear.tail(d);
            trainLine = linear.line(base, d, train);
            valLine = validation == null ? null : linear.line(base, d, validation);
        }
        INDArray before = p.dup(); // a point by point line moves the copy: it is put back
        ProbeModel.Row trainRow = model.row(train, alphas.length);
        ProbeModel.Row valRow = validation == null ? null : model.row(validation, alphas.length);
        try {
            if (linear != null && linear.batched()) {
                linear.addRow(trainLine, alphas, 0, baseMoved, dMoved, trainRow);
                if (valRow != null) {
                    linear.addRow(valLine, alphas, 0, baseMoved, dMoved, valRow);
                }
            } else {
                for (double alpha : alphas) {
                    point(alpha, 0, baseMoved, dMoved, p, train, validation, trainLine, valLine, trainRow, valRow);
                }
            }
        } finally {
            p.assign(before);
        }
        return new Line[]{toLine(trainRow.finish()), valRow == null ? null : toLine(valRow.finish())};
    }

    private LinearFirstLayer usable(Probe train, Probe validation) {
        return kept != null && kept.fits(train) && (validation == null || kept.fits(validation)) ? kept : null;
    }

    private static Line toLine(Evaluation[] points) {
        Line l = new Line(new double[points.length], new double[points.length]);
        for (int i = 0; i < points.length; i++) {
            l.loss()[i] = points[i].loss();
            l.accuracy()[i] = points[i].accuracy();
        }
        return l;
    }
}
