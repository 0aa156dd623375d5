package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.Surface;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Internal: a surface as a legacy VTK file for ParaView: {@code STRUCTURED_POINTS} when the grid is evenly spaced
 * (as the engine writes it), {@code RECTILINEAR_GRID} otherwise; one point-data scalar per grid the surface has
 * ({@code train_loss}, {@code train_accuracy}, {@code val_loss}, {@code val_accuracy}), x fastest. The data are
 * {@code BINARY} (big-endian doubles, as the legacy format specifies), not ASCII: VTK's ASCII reader cannot read NaN
 * and infinities, which losses far from the centre can be and which must stay gaps. In ParaView, "Warp By Scalar"
 * on {@code train_loss} gives the 3D surface.
 */
public final class Vtk {
    private Vtk() {
    }

    public static byte[] surface(Surface s, String title) {
        double[] xs = s.xs();
        double[] ys = s.ys();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            text(out, "# vtk DataFile Version 3.0\n");
            String t = title.replaceAll("[\\r\\n]", " ");
            text(out, t.substring(0, Math.min(255, t.length())) + "\n");
            text(out, "BINARY\n");
            if (even(xs) && even(ys)) {
                text(out, "DATASET STRUCTURED_POINTS\n");
                text(out, "DIMENSIONS " + xs.length + " " + ys.length + " 1\n");
                text(out, "ORIGIN " + num(xs[0]) + " " + num(ys[0]) + " 0\n");
                text(out, "SPACING " + num(step(xs)) + " " + num(step(ys)) + " 1\n");
            } else {
                text(out, "DATASET RECTILINEAR_GRID\n");
                text(out, "DIMENSIONS " + xs.length + " " + ys.length + " 1\n");
                coordinates(out, "X_COORDINATES", xs);
                coordinates(out, "Y_COORDINATES", ys);
                coordinates(out, "Z_COORDINATES", new double[]{0});
            }
            text(out, "POINT_DATA " + xs.length * ys.length + "\n");
            scalars(out, "train_loss", s.trainLoss(), xs.length, ys.length);
            scalars(out, "train_accuracy", s.trainAccuracy(), xs.length, ys.length);
            scalars(out, "val_loss", s.valLoss(), xs.length, ys.length);
            scalars(out, "val_accuracy", s.valAccuracy(), xs.length, ys.length);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    private static void scalars(DataOutputStream out, String name, double[][] grid, int nx, int ny)
            throws IOException {
        if (grid == null || grid.length == 0) {
            return;
        }
        text(out, "SCALARS " + name + " double 1\nLOOKUP_TABLE default\n");
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                out.writeDouble(Csv.at(grid, j, i));
            }
        }
        text(out, "\n");
    }

    private static void coordinates(DataOutputStream out, String name, double[] v) throws IOException {
        text(out, name + " " + v.length + " double\n");
        for (double d : v) {
            out.writeDouble(d);
        }
        text(out, "\n");
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
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
        return String.format(Locale.ROOT, "%.17g", d);
    }
}
