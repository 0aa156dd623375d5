package io.github.landscape4j.examples.study;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A PNG figure of line and scatter panels drawn with Java2D, so the example programs need no plotting library.
 * Panels are laid out in a grid, row by row.
 */
public final class Figure {
    /**
     * One curve (or, with {@code points}, one set of points) of a panel; {@code xErr} and {@code yErr}, when not
     * null, are the half-lengths of each point's error bars (NaN: none).
     */
    public record Series(String name, double[] x, double[] y, Color color, boolean dashed, boolean points,
                         double[] xErr, double[] yErr) {
        double lowX(int i) {
            return x[i] - err(xErr, i);
        }

        double highX(int i) {
            return x[i] + err(xErr, i);
        }

        double lowY(int i) {
            return y[i] - err(yErr, i);
        }

        double highY(int i) {
            return y[i] + err(yErr, i);
        }

        private static double err(double[] e, int i) {
            return e == null || !Double.isFinite(e[i]) ? 0 : e[i];
        }
    }

    /** One panel: title, axis labels, its series; {@code logY} plots y on a log scale (non-positive y dropped). */
    public static final class Panel {
        final String title;
        final String xLabel;
        final String yLabel;
        final boolean logY;
        final List<Series> series = new ArrayList<>();
        final List<double[]> verticals = new ArrayList<>();

        public Panel(String title, String xLabel, String yLabel, boolean logY) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            this.logY = logY;
        }

        public Panel line(String name, double[] x, double[] y, Color color, boolean dashed) {
            series.add(new Series(name, x, y, color, dashed, false, null, null));
            return this;
        }

        public Panel points(String name, double[] x, double[] y, Color color) {
            return points(name, x, y, color, null, null);
        }

        /** Points with error bars of half-length {@code xErr} and {@code yErr} (null or NaN: none). */
        public Panel points(String name, double[] x, double[] y, Color color, double[] xErr, double[] yErr) {
            series.add(new Series(name, x, y, color, false, true, xErr, yErr));
            return this;
        }

        /** A thin grey vertical line at {@code x} (e.g. where a minimizer is). */
        public Panel vertical(double x) {
            verticals.add(new double[]{x});
            return this;
        }
    }

    public static final Color BLUE = new Color(31, 119, 180);
    public static final Color ORANGE = new Color(255, 127, 14);
    public static final Color GREEN = new Color(44, 160, 44);
    public static final Color RED = new Color(214, 39, 40);
    public static final Color PURPLE = new Color(148, 103, 189);
    public static final Color GREY = new Color(127, 127, 127);

    private static final int W = 520;
    private static final int H = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 34;
    private static final int BOTTOM = 50;

    private Figure() {
    }

    /** Draws the panels, {@code columns} per row, under a title, into {@code file} (PNG). */
    public static void write(Path file, String title, int columns, List<Panel> panels) throws IOException {
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * W, rows * H + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        int size = 15;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        while (size > 9 && g.getFontMetrics().stringWidth(title) > img.getWidth() - 20) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, --size)); // a long title fits the figure's width
        }
        g.drawString(title, 10, 21);
        for (int i = 0; i < panels.size(); i++) {
            Graphics2D p = (Graphics2D) g.create((i % columns) * W, 30 + (i / columns) * H, W, H);
            draw(p, panels.get(i));
            p.dispose();
        }
        g.dispose();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static void draw(Graphics2D g, Panel panel) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = panel.logY ? (s.y()[i] > 0 ? Math.log10(s.y()[i]) : Double.NaN) : s.y()[i];
                if (Double.isFinite(y) && Double.isFinite(s.x()[i])) { // error bars inside the axes too
                    xMin = Math.min(xMin, s.lowX(i));
                    xMax = Math.max(xMax, s.highX(i));
                    yMin = Math.min(yMin, panel.logY ? y : s.lowY(i));
                    yMax = Math.max(yMax, panel.logY ? y : s.highY(i));
                }
            }
        }
        if (!(xMax >= xMin)) {
            return;
        }
        if (xMax == xMin) {
            xMin -= 1;
            xMax += 1;
        } else if (panel.series.stream().anyMatch(Series::points)) { // points at the edges drawn whole
            double xPad = (xMax - xMin) * 0.06;
            xMin -= xPad;
            xMax += xPad;
        }
        double pad = (yMax - yMin) * 0.06 + (yMax == yMin ? 1e-3 + Math.abs(yMax) * 0.05 : 0);
        yMin -= pad;
        yMax += pad;
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        final double x0 = xMin;
        final double x1 = xMax;
        final double y0 = yMin;
        final double y1 = yMax;
        java.util.function.DoubleUnaryOperator sx = x -> LEFT + (x - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator sy = y -> TOP + ph - (y - y0) / (y1 - y0) * ph;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(panel.title, LEFT, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(LEFT, TOP, pw, ph);
        List<Double> xTicks = ticks(x0, x1);
        int widest = 0;
        for (double t : xTicks) {
            widest = Math.max(widest, g.getFontMetrics().stringWidth(fmt(t)));
        }
        double spacing = xTicks.size() > 1 ? sx.applyAsDouble(xTicks.get(1)) - sx.applyAsDouble(xTicks.get(0)) : pw;
        int every = (int) Math.max(1, Math.ceil((widest + 8) / spacing)); // long labels: every other one
        for (int i = 0; i < xTicks.size(); i++) {
            double t = xTicks.get(i);
            int px = (int) sx.applyAsDouble(t);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(px, TOP + 1, px, TOP + ph - 1);
            g.setColor(Color.BLACK);
            g.drawLine(px, TOP + ph, px, TOP + ph + 4);
            if (i % every == 0) {
                String label = fmt(t);
                g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 16);
            }
        }
        for (double t : panel.logY ? logTicks(y0, y1) : ticks(y0, y1)) {
            int py = (int) sy.applyAsDouble(t);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(LEFT + 1, py, LEFT + pw - 1, py);
            g.setColor(Color.BLACK);
            g.drawLine(LEFT - 4, py, LEFT, py);
            String label = panel.logY ? fmt(Math.pow(10, t)) : fmt(t);
            g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        g.drawString(panel.xLabel, LEFT + pw / 2 - g.getFontMetrics().stringWidth(panel.xLabel) / 2, H - 14);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        String yl = panel.yLabel + (panel.logY ? " (log)" : "");
        r.drawString(yl, -(TOP + ph / 2) - r.getFontMetrics().stringWidth(yl) / 2, 16);
        r.dispose();
        Graphics2D c = (Graphics2D) g.create();
        c.clipRect(LEFT, TOP, pw, ph);
        for (double[] v : panel.verticals) {
            c.setColor(GREY);
            c.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{2, 3}, 0));
            double px = sx.applyAsDouble(v[0]);
            c.draw(new Line2D.Double(px, TOP, px, TOP + ph));
        }
        for (Series s : panel.series) {
            c.setColor(s.color());
            c.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[]{7, 4}, 0) : new BasicStroke(2f));
            Path2D path = new Path2D.Double();
            boolean open = false;
            for (int i = 0; i < s.x().length; i++) {
                double y = panel.logY ? (s.y()[i] > 0 ? Math.log10(s.y()[i]) : Double.NaN) : s.y()[i];
                if (!Double.isFinite(y)) {
                    open = false;
                    continue;
                }
                double px = sx.applyAsDouble(s.x()[i]);
                double py = sy.applyAsDouble(y);
                if (s.points()) {
                    c.setStroke(new BasicStroke(1f));
                    if (s.xErr() != null && !panel.logY) {
                        c.draw(new Line2D.Double(sx.applyAsDouble(s.lowX(i)), py, sx.applyAsDouble(s.highX(i)), py));
                    }
                    if (s.yErr() != null && !panel.logY) {
                        c.draw(new Line2D.Double(px, sy.applyAsDouble(s.lowY(i)), px, sy.applyAsDouble(s.highY(i))));
                    }
                    c.fillOval((int) px - 4, (int) py - 4, 8, 8);
                } else if (open) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    open = true;
                }
            }
            if (!s.points()) {
                c.draw(path);
            }
        }
        c.dispose();
        int ly = TOP + 14;
        for (Series s : panel.series) {
            if (s.name().isEmpty()) {
                continue;
            }
            g.setColor(s.color());
            if (s.points()) {
                g.fillOval(LEFT + pw - 150, ly - 8, 8, 8);
            } else {
                g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[]{7, 4}, 0) : new BasicStroke(2f));
                g.drawLine(LEFT + pw - 156, ly - 4, LEFT + pw - 134, ly - 4);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + pw - 128, ly);
            ly += 15;
        }
    }

    /** log10 of the values 1, 2, 5 × 10^k in [10^lo, 10^hi]; plain ticks in log space when fewer than 3. */
    static List<Double> logTicks(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        for (int k = (int) Math.floor(lo); k <= Math.ceil(hi); k++) {
            for (double m : new double[]{1, 2, 5}) {
                double t = Math.log10(m) + k;
                if (t >= lo && t <= hi) {
                    out.add(t);
                }
            }
        }
        if (out.size() >= 3) {
            return out;
        }
        List<Double> linear = new ArrayList<>();
        for (double v : ticks(Math.pow(10, lo), Math.pow(10, hi))) {
            if (v > 0) {
                linear.add(Math.log10(v));
            }
        }
        return linear;
    }

    /** About five round tick values in [lo, hi]. */
    static List<Double> ticks(double lo, double hi) {
        double span = hi - lo;
        double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
        double m = span / 5 / step;
        step *= m >= 5 ? 5 : m >= 2 ? 2 : 1;
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    private static String fmt(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
