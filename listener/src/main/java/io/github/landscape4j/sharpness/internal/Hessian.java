package io.github.landscape4j.sharpness.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.Curvature;
import io.github.landscape4j.surface.internal.ProbeModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Internal: curvature of the probe loss from Hessian-vector products. Where the copy has an exact path (a plain MLP,
 * a chain of convolutions, pooling and dense layers, or a graph or batch-norm network, {@link ProbeModel#curvature})
 * the products are exact (Pearlmutter's R-operator) and run in the copy's own type; otherwise,
 * since DL4J has no double back-propagation, they are finite differences of gradients {@code Hv ≈ (g(θ + h·v) -
 * g(θ)) / h} with {@code h = hRelative · max(||θ||, 1) / ||v||}, computed on a double-precision copy. The centre
 * gradient {@code g(θ)} is computed once per centre and shared by every product, so a finite-difference product
 * costs one gradient. Top eigenvalue by the Lanczos iteration (Lanczos 1950; as in PyHessian's spectral density, Yao
 * et al. 2020; Ghorbani, Krishnan, Xiao 2019); trace by Hutchinson's estimator {@code E[vᵀHv]}, {@code v} Rademacher
 * (as in PyHessian). Vectors are masked to the parameters a direction may move (never batch-norm statistics).
 *
 * <p>The step: a forward difference has error {@code O(h)} against the central difference's {@code O(h²)}, and
 * costs half; at {@code h = √ε_mach·||θ||} (1e-8 in double precision, the textbook optimum for forward differences)
 * its relative error is of order 1e-8, far below float precision. ReLU networks are piecewise linear, so a step
 * that carries the parameters across an activation kink gives a product that is not the Hessian's: on a ReLU MLP
 * (784-100-10, Fashion-MNIST) a relative step of 1e-3 gave products with relative error 1.1-2.0 and a Hutchinson
 * trace 26-76% too high; 1e-5 and below gave errors below 1e-8. {@code HessianReluTest} checks the default against
 * a closed-form Hessian of a ReLU network.
 */
public final class Hessian {

    /**
     * Top eigenvalue, its eigenvector, the number of Hessian-vector products it took, and the residual
     * {@code ||H·y − λ·y||} of the returned pair ({@code y} a unit vector; NaN where unknown): some eigenvalue of the
     * measured block lies within it of {@code λ} (for symmetric {@code H}). From Lanczos it is {@code β_k·|s_k|}, the
     * last off-diagonal times the Ritz vector's last component, with no extra product. {@code ritz}: every Ritz pair
     * of a Lanczos run over the whole block ({@link Ritz}), else null.
     */
    public record Top(double eigenvalue, INDArray eigenvector, int hvps, double residual, Ritz ritz) {
    }


    /** Default finite-difference step relative to {@code max(||θ||, 1)}, in parameter norm (double precision). */
    public static final double RELATIVE_STEP = 1e-8;

    /**
     * Largest Lanczos basis kept (bytes): past it (about 1.6 million double parameters at 20 iterations) the top
     * eigenvalue falls back to power iteration, which keeps two vectors.
     */
    public static final long LANCZOS_BYTES = 256L << 20;

    private final ProbeModel model;
    private final Directions directions;
    private final double hRelative;
    private final long lanczosBytes;
    private int hvps;
    private INDArray centre;
    private Probe centreProbe;
    private INDArray centreGradient;
    private double centreNorm;
    /** Exact products at the centre (a plain MLP or a convolutional chain), or null: finite differences. */
    private Curvature exact;
    /** The kept Lanczos basis ({@link #basis}). */
    private INDArray basis;
    /**
     * The orthonormal Krylov basis {@code Q} (rows) of the last Lanczos run over the whole block, the trace of
     * {@code QᵀHQ} (the sum of its {@code α_j = q_jᵀHq_j}), and the centre and probe it was computed at: the trace
     * estimate takes that part exactly and samples only the rest ({@link #traceEstimate}).
     */
    private INDArray krylov;
    private double krylovTrace;
    private INDArray krylovCentre;
    private Probe krylovProbe;

    /** Products with the default step {@link #RELATIVE_STEP}. */
    public Hessian(ProbeModel doubleModel, Directions directions) {
        this(doubleModel, directions, RELATIVE_STEP, LANCZOS_BYTES);
    }

    /** As above, with the largest Lanczos basis in bytes ({@code 0}: always power iteration). */
    public Hessian(ProbeModel doubleModel, Directions directions, double hRelative, long lanczosBytes) {
        this.model = doubleModel;
        this.directions = directions;
        this.hRelative = hRelative;
        this.lanczosBytes = lanczosBytes;
    }

    /** The copy the products run on. */
    public ProbeModel model() {
        return model;
    }

    /** Number of Hessian-vector products computed so far. */
    public int hvps() { return hvps; }

    /**
     * The probe gradient at {@code theta} over every parameter (unmasked), computed once per centre and probe: the
     * same array is returned while {@code theta} (the same buffer, not modified) and {@code probe} stay. Do not
     * modify it.
     */
    public INDArray gradientAt(INDArray theta, Probe probe) {
        if (centreGradient == null || probe != centreProbe || !Tridiagonal.sameArray(theta, centre)) {
            model.load(theta);
            exact = model.curvature(probe).orElse(null);
            if (exact == null && model.dataType() != org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
                throw new IllegalStateException("finite-difference Hessian-vector products need a double-precision"
                        + " copy, not " + model.dataType());
            }
            centreGradient = exact != null ? exact.gradient() : model.gradient(probe);
            centreNorm = theta.norm2Number().doubleValue();
            centre = theta;
            centreProbe = probe;
        }
        return centreGradient;
    }

    /** {@code H·v} at {@code theta} (double precision; {@code theta} must not change between calls). */
    public INDArray hvp(INDArray theta, INDArray v, Probe probe) {
        return hvp(theta, v, probe, null);
    }

    /**
     * As {@link #hvp(INDArray, INDArray, Probe)}; {@code only}, when given, says {@code v} is zero outside that
     * tensor and only that tensor's part of the product is wanted (the exact path computes no more).
     */
    public INDArray hvp(INDArray theta, INDArray v, Probe probe, io.github.landscape4j.store.ParameterTensor only) {
        INDArray g0 = gradientAt(theta, probe);
        hvps++;
        if (exact != null) {
            INDArray hv = exact.product(v, only);
            directions.mask(hv);
            return hv;
        }
        double h = hRelative * Math.max(centreNorm, 1.0) / v.norm2Number().doubleValue();
        INDArray p = model.params();
        p.assign(theta);
        Nd4j.getBlasWrapper().level1().axpy(p.length(), h, v, p);
        INDArray hv = model.gradient(probe).subi(g0).divi(h);
        model.load(theta);
        directions.mask(hv);
        return hv;
    }

    /**
     * The largest eigenvalue {@code λ_max} (the algebraic maximum, as "top eigenvalue" means in the sharpness
     * literature) by the Lanczos iteration with full reorthogonalization, at most {@code maxIterations} products,
     * stopping when the top Ritz pair's residual {@code ||Hy − λy||} is below {@code tolerance·|λ|} (an eigenvalue
     * lies within it) or the Krylov space is exhausted; far fewer products than power iteration (rate |λ₂/λ₁|).
     * Where the basis would pass {@link #LANCZOS_BYTES}, power iteration instead (a shifted second one on {@code H -
     * λ·I} when the dominant eigenvalue is negative). {@code only}, when given, restricts v to one tensor;
     * {@code deflate}, when given, is projected out (for the second eigenvector).
     */
    public Top top(INDArray theta, Probe probe, Random rng, int maxIterations, double tolerance,
                   io.github.landscape4j.store.ParameterTensor only, INDArray deflate) {
        if ((long) maxIterations * theta.length() * 8 <= lanczosBytes) {
            return lanczos(theta, probe, rng, maxIterations, tolerance, only, deflate, null);
        }
        Top dominant = power(theta, probe, rng, maxIterations, tolerance, only, deflate, 0);
        if (!(dominant.eigenvalue() < 0)) {
            return dominant;
        }
        Top shifted = power(theta, probe, rng, maxIterations, tolerance, only, deflate, dominant.eigenvalue());
        return new Top(shifted.eigenvalue(), shifted.eigenvector(), dominant.hvps() + shifted.hvps(),
                shifted.residual(), null);
    }

    /**
     * The top eigenpair of {@code S·H·S} for a diagonal {@code S} ({@code scale}, per parameter): with {@code S =
     * P^(-1/2)}, {@code λ_max(P⁻¹H)}, a preconditioned sharpness. Lanczos as {@link #top}; empty where its basis
     * would not fit.
     */
    public java.util.Optional<Top> topScaled(INDArray theta, Probe probe, Random rng, int maxIterations,
                                             double tolerance, INDArray scale) {
        return (long) maxIterations * theta.length() * 8 > lanczosBytes ? java.util.Optional.empty()
                : java.util.Optional.of(lanczos(theta, probe, rng, maxIterations, tolerance, null, null, scale));
    }

    private Top lanczos(INDArray theta, Probe probe, Random rng, int maxIterations, double tolerance,
                        io.github.landscape4j.store.ParameterTensor only, INDArray deflate, INDArray scale) {
        INDArray t = theta.castTo(model.dataType()).reshape(theta.length());
        INDArray v = Nd4j.randn(rng, t.length()).castTo(model.dataType());
        directions.mask(v); // the Krylov space must stay in the measured block: H is 0 outside it
        restrict(v, only, deflate);
        INDArray basis = basis(maxIterations, t.length());
        basis.getRow(0).assign(v.divi(v.norm2Number()));
        double[] alpha = new double[maxIterations];
        double[] beta = new double[maxIterations];
        double lambda = Double.NaN;
        double[] ritz = {1};
        int j = 0;
        for (; j < maxIterations; j++) {
            INDArray q = basis.getRow(j).reshape(t.length());
            INDArray w = hvp(t, scale == null ? q : q.mul(scale), probe, deflate == null ? only : null)
                    .reshape(t.length());
            if (scale != null) {
                w.muli(scale);
            }
            restrict(w, only, deflate);
            alpha[j] = Nd4j.getBlasWrapper().dot(w, q);
            if (!Double.isFinite(alpha[j])) {
                return new Top(alpha[j], q.dup(), j + 1, Double.NaN, null); // a diverged model: no curvature
            }
            INDArray previous = basis.get(NDArrayIndex.interval(0, j + 1), NDArrayIndex.all());
            INDArray row = w.reshape(1, t.length());
            for (int pass = 0; pass < 2; pass++) { // Gram-Schmidt twice: orthogonal to the basis to rounding
                INDArray coefficients = Nd4j.gemm(previous, row, false, true); // [j+1, 1]
                Nd4j.gemm(coefficients, previous, row, true, false, -1.0, 1.0); // in place: row -= cᵀ·previous
            }
            w = row.reshape(t.length());
            beta[j] = w.norm2Number().doubleValue();
            double[][] top = Tridiagonal.top(alpha, beta, j + 1);
            lambda = top[0][0];
            ritz = top[1];
            // converged when the pair's residual β_j·|s_j| (some eigenvalue lies within it of λ) is below tolerance:
            // the change of the Ritz value between steps is no bound (it stalled 3% short on the demo MLP)
            boolean converged = Math.abs(beta[j] * ritz[j]) <= tolerance * Math.abs(lambda);
            if (converged || beta[j] <= 1e-10 * Math.max(Math.abs(lambda), Double.MIN_NORMAL)
                    || j + 1 == maxIterations) {
                break;
            }
            basis.getRow(j + 1).assign(w.divi(beta[j]));
        }
        int k = Math.min(j + 1, maxIterations);
        if (only == null && deflate == null && scale == null) {
            keepKrylov(theta, probe, k, Arrays.stream(alpha, 0, k).sum());
        }
        INDArray s = Nd4j.createFromArray(ritz).castTo(model.dataType()).reshape(1, k);
        INDArray vector = s.mmul(basis.get(NDArrayIndex.interval(0, k), NDArrayIndex.all())).reshape(t.length());
        double residual = Math.abs(beta[k - 1] * ritz[k - 1]);
        Ritz all = only == null && deflate == null && scale == null ? Tridiagonal.ritz(alpha, beta, k) : null;
        return new Top(lambda, vector.divi(vector.norm2Number()), k, residual, all);
    }

    /**
     * A Lanczos basis of {@code rows x n}, kept for this instance's later runs (a snapshot runs Lanczos once for the
     * whole network and once per tensor: a fresh basis page-faulted in each time); uninitialized, since Lanczos often
     * stops after a few rows.
     */
    private INDArray basis(int rows, long n) {
        if (basis == null || basis.size(0) < rows || basis.size(1) != n || basis.dataType() != model.dataType()) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                basis = Nd4j.createUninitialized(model.dataType(), rows, n);
            }
        }
        return basis;
    }

    /** Keeps the first {@code k} rows of the Lanczos basis and {@code tr(QᵀHQ)} for the trace at this centre. */
    private void keepKrylov(INDArray theta, Probe probe, int k, double trace) {
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                     Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            krylov = basis.get(NDArrayIndex.interval(0, k), NDArrayIndex.all()).dup();
        }
        krylovTrace = trace;
        krylovCentre = theta;
        krylovProbe = probe;
    }

    /** Power iteration on {@code H - shift·I}; the eigenvalue returned is of {@code H} (the shift added back). */
    private Top power(INDArray theta, Probe probe, Random rng, int maxIterations, double tolerance,
                      io.github.landscape4j.store.ParameterTensor only, INDArray deflate, double shift) {
        INDArray t = theta.castTo(model.dataType()).reshape(theta.length());
        INDArray v = Nd4j.randn(rng, t.length()).castTo(model.dataType());
        if (shift != 0) {
            directions.mask(v); // the shifted operator must stay in the measured block: H is 0 outside it
        }
        restrict(v, only, deflate);
        v.divi(v.norm2Number());
        double lambda = Double.NaN;
        double residual = Double.NaN;
        int used = 0;
        for (int i = 0; i < maxIterations; i++) {
            INDArray w = hvp(t, v, probe, deflate == null ? only : null);
            if (shift != 0) {
                w.subi(v.mul(shift));
            }
            used++;
            double next = v.mul(w).sumNumber().doubleValue();
            restrict(w, only, deflate);
            double norm = w.norm2Number().doubleValue();
            if (norm == 0 || !Double.isFinite(norm)) {
                lambda = next;
                break;
            }
            residual = Math.sqrt(Math.max(0, norm * norm - next * next)); // ||w - (vᵀw)·v|| = ||Hv - λv||
            v = w.divi(norm);
            boolean converged = Double.isFinite(lambda) && Math.abs(next - lambda) <= tolerance * Math.abs(next);
            lambda = next;
            if (converged) {
                break;
            }
        }
        return new Top(lambda + shift, v, used, residual, null); // the residual of the previous iterate's pair
    }

    /** Hutchinson's trace estimate from {@code samples} Rademacher vectors (deflated, see {@link #traceEstimate}). */
    public double trace(INDArray theta, Probe probe, Random rng, int samples) {
        return traceEstimate(theta, probe, rng, samples).value();
    }

    /**
     * Hutchinson's estimate with its standard error: the mean of {@code samples} values {@code vᵀHv} and their sample
     * standard deviation over {@code √samples} (NaN for one sample). The estimator is unbiased; one Rademacher
     * sample's spread is of the order of the trace itself on ReLU MLPs (41-54% in issue 25's recomputation), so the
     * error matters at the default 10 samples.
     *
     * <p>When a Lanczos run over the whole block at this centre and probe left its Krylov basis {@code Q} ({@link
     * #top}, as every snapshot's {@code λ_max} does), the estimate is deflated: {@code tr(H) = tr(QᵀHQ) +
     * tr((I−QQᵀ)H(I−QQᵀ))}, the first term exact and free (the sum of Lanczos's {@code α_j = q_jᵀHq_j}), the second by
     * Hutchinson on the projected vectors {@code (I−QQᵀ)v}. It stays unbiased ({@code Q} does not depend on the
     * {@code v}), and the Krylov space holds the top eigendirections whose weight makes a Rademacher sample's spread:
     * the same Krylov deflation as Hutch++ (Meyer, Musco, Musco, Woodruff, SOSA 2021) with the basis Lanczos already
     * built instead of a sketch, at no extra product. The standard error is the sampled part's.
     */
    public Estimate traceEstimate(INDArray theta, Probe probe, Random rng, int samples) {
        return traceEstimate(theta, probe, rng, samples, samples, 0);
    }

    /**
     * As above with at least {@code minSamples} and at most {@code maxSamples} samples: past the minimum, sampling
     * stops once the standard error is at most {@code targetRelSe·|estimate|}.
     */
    public Estimate traceEstimate(INDArray theta, Probe probe, Random rng, int minSamples, int maxSamples,
                                  double targetRelSe) {
        INDArray t = theta.castTo(model.dataType()).reshape(theta.length());
        boolean deflated = krylov != null && probe == krylovProbe && Tridiagonal.sameArray(theta, krylovCentre)
                && krylov.dataType() == model.dataType() && krylov.size(1) == t.length();
        double base = deflated ? krylovTrace : 0;
        double[] values = new double[Math.max(minSamples, maxSamples)];
        int samples = 0;
        while (samples < values.length) {
            if (samples >= minSamples) {
                Estimate sofar = Estimate.of(Arrays.copyOf(values, samples));
                if (!(sofar.standardError() > targetRelSe * Math.abs(base + sofar.value()))) {
                    break;
                }
            }
            int i = samples++;
            INDArray v = rademacher(rng, t.length(), model.dataType());
            directions.mask(v);
            if (deflated) { // v − Qᵀ(Qv), twice for orthogonality to rounding
                for (int pass = 0; pass < 2; pass++) {
                    INDArray row = v.reshape(1, t.length());
                    INDArray coefficients = Nd4j.gemm(krylov, row, false, true); // [k, 1]
                    Nd4j.gemm(coefficients, krylov, row, true, false, -1.0, 1.0);
                }
            }
            values[i] = Nd4j.getBlasWrapper().dot(v, hvp(t, v, probe));
        }
        Estimate sampled = Estimate.of(Arrays.copyOf(values, samples));
        return deflated ? new Estimate(base + sampled.value(), sampled.standardError(), samples,
                (int) krylov.size(0)) : sampled;
    }

    /**
     * A mean of independent samples with its standard error (NaN below two samples); for a deflated trace, the
     * number of Krylov directions whose part was computed exactly (else 0).
     */
    public record Estimate(double value, double standardError, int samples, int exactDirections) {
        public Estimate(double value, double standardError, int samples) {
            this(value, standardError, samples, 0);
        }

        static Estimate of(double[] values) {
            int m = values.length;
            double mean = java.util.Arrays.stream(values).sum() / m;
            if (m < 2) {
                return new Estimate(mean, Double.NaN, m);
            }
            double ss = 0;
            for (double x : values) {
                ss += (x - mean) * (x - mean);
            }
            return new Estimate(mean, Math.sqrt(ss / (m - 1) / m), m);
        }
    }

    /** The next Rademacher (±1) vector of {@code rng}, as {@link #trace} draws them (before masking). */
    public static INDArray rademacher(Random rng, long length, org.nd4j.linalg.api.buffer.DataType type) {
        return Transforms.sign(Nd4j.randn(rng, length), false).castTo(type);
    }

    private static void restrict(INDArray v, io.github.landscape4j.store.ParameterTensor only, INDArray deflate) {
        if (only != null) {
            Directions.restrictTo(v, only);
        }
        if (deflate != null) {
            INDArray d = deflate.reshape(v.shape());
            double dot = v.mul(d).sumNumber().doubleValue();
            v.subi(d.mul(dot));
        }
    }
}
