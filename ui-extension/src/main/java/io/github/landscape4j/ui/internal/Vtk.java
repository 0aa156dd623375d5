package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.Surface;

import java.util.Locale;

/**
 * Internal: a surface as a legacy ASCII VTK file for ParaView: {@code STRUCTURED_POINTS} when the grid is evenly
 * spaced (as the engine writes it), {@code RECTILINEAR_GRID} otherwise; one point-data scalar per grid that the
 * surface has ({@code train_loss}, {@code train_accuracy}, {@code val_loss}, {@code val_accuracy}), x fastest. NaN
 * and infinities are written as {@code nan}, {@code inf}, {@code -inf}. In ParaView, "Warp By Scalar" on
 * {@code train_loss} gives the 3D surface.
 */
public final class Vtk {
    private Vtk() {
    }

    public static String surface(Surface s, String title) {
        double[] xs = s.xs();
        double[] ys = s.ys();
        StringBuilder b = new StringBuilder("# vtk DataFile Version 3.0\n");
        b.append(title.replaceAll("[\\r\\n]", " "), 0, Math.min(255, title.length())).append('\n');
        b.append("ASCII\n");
        if (even(xs) && even(ys)) {
            b.append("DATASET STRUCTURED_POINTS\n");
            b.append("DIMENSIONS ").append(xs.length).append(' ').append(ys.length).append(" 1\n");
            b.append("ORIGIN ").append(num(xs[0])).append(' ').append(num(ys[0])).append(" 0\n");
            b.append("SPACING ").append(num(step(xs))).append(' ').append(num(step(ys))).append(" 1\n");
        } else {
            b.append("DATASET RECTILINEAR_GRID\n");
            b.append("DIMENSIONS ").append(xs.length).append(' ').append(ys.length).append(" 1\n");
            coordinates(b, "X_COORDINATES", xs);
            coordinates(b, "Y_COORDINATES", ys);
            coordinates(b, "Z_COORDINATES", new double[]{0});
        }
        b.append("POINT_DATA ").append(xs.length * ys.length).append('\n');
        scalars(b, "train_loss", s.trainLoss(), xs.length, ys.length);
        scalars(b, "train_accuracy", s.trainAccuracy(), xs.length, ys.length);
        scalars(b, "val_loss", s.valLoss(), xs.length, ys.length);
        scalars(b, "val_accuracy", s.valAccuracy(), xs.length, ys.length);
        return b.toString();
    }

    private static void scalars(StringBuilder b, String name, double[][] grid, int nx, int ny) {
        if (grid == null || grid.length == 0) {
            return;
        }
        b.append("SCALARS ").append(name).append(" double 1\nLOOKUP_TABLE default\n");
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                b.append(num(Csv.at(grid, j, i))).append(i + 1 < nx ? ' ' : '\n');
            }
        }
    }

    private static void coordinates(StringBuilder b, String name, double[] v) {
        b.append(name).append(' ').append(v.length).append(" double\n");
        for (int i = 0; i < v.length; i++) {
            b.append(num(v[i])).append(i + 1 < v.length ? ' ' : '\n');
        }
    }

    private static boolean even(double[] v) {
        if (v.length < 2) {
            return v.length == 1;
        }
        double step = step(v);
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i] - v[i - 1] - step) > 1e-9 * Math.max(1, Math.abs(step))) {
                return false;
            }
        }
        return step > 0;
    }

    private static double step(double[] v) {
        return v.length < 2 ? 1 : v[1] - v[0];
    }

    private static String num(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.9g", d);
    }
}
