package io.github.landscape4j.engine.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotAbandoned;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotLevel;
import io.github.landscape4j.engine.SnapshotRequest;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Internal: what an engine's snapshots cost and which {@link SnapshotLevel} a request gets: its evaluation counts,
 * predictions from the engine's measurements ({@link Calibration}), and each level's probe (a seeded subsample, made
 * once per probe). One per engine; not thread-safe, as the engine.
 */
public final class SnapshotCosts {
    private final Workbench bench;
    private final Calibration calibration = new Calibration();
    /** Each probe's subsamples by level: only the current probes' (identity keys). */
    private final Map<Probe, Map<SnapshotLevel, Probe>> subsamples = new IdentityHashMap<>();

    public SnapshotCosts(Workbench bench) {
        this.bench = bench;
    }

    /** A snapshot of {@code level} for {@code request} (its level's probes) took {@code nanos}. */
    public void taken(SnapshotLevel level, SnapshotRequest request, long nanos) {
        calibration.taken(level, evaluations(level, request), request.train().size(), nanos);
    }

    /** A snapshot of {@code level} for {@code request} was abandoned past its limit after {@code nanos}. */
    public void atLeast(SnapshotLevel level, SnapshotRequest request, long nanos) {
        calibration.atLeast(level, evaluations(level, request), request.train().size(), nanos);
    }

    private double evaluations(SnapshotLevel level, SnapshotRequest request) {
        return evaluations(level.config(bench.config()), request.validation() != null, request.initial() != null);
    }

    /**
     * The level of this snapshot: {@link SnapshotLevel#FULL} unless the request allows levels, else the richest one
     * predicted to fit its {@code levelNanos} (the cheapest when none does). With a time limit, a snapshot whose level
     * is predicted to break it is abandoned here, before its costly parts.
     */
    public SnapshotLevel chooseLevel(SnapshotRequest request, Clock clock) {
        boolean levels = request.levelNanos() > 0;
        if (!levels && request.limitNanos() == Long.MAX_VALUE) {
            return SnapshotLevel.FULL;
        }
        if (!calibration.known()) {
            Probe glance = subsample(request.train(), SnapshotLevel.cheapest());
            Probe coarse = subsample(request.train(), SnapshotLevel.COARSE);
            calibration.warmUp(() -> bench.floatModel().evaluate(glance), glance.size(),
                    () -> bench.floatModel().evaluate(coarse), coarse.size());
            clock.setUp("calibration");
        }
        long spent = clock.elapsedNanos();
        SnapshotLevel chosen = SnapshotLevel.cheapest();
        if (levels) {
            for (SnapshotLevel l : SnapshotLevel.values()) {
                if (spent + predictNanos(l, request) <= request.levelNanos()) {
                    chosen = l;
                    break;
                }
            }
        } else {
            chosen = SnapshotLevel.FULL;
        }
        long predicted = predictNanos(chosen, request);
        if (request.limitNanos() != Long.MAX_VALUE && spent + predicted > request.limitNanos()) {
            throw new SnapshotAbandoned("it would take more than its share of the time budget ("
                    + String.format(java.util.Locale.ROOT, "%.2f s now; the %s snapshot is predicted to take %.2f s",
                    request.limitNanos() / 1e9, chosen.key(), predicted / 1e9) + ")", spent, spent + predicted);
        }
        return chosen;
    }

    /**
     * What a snapshot of {@code level} for {@code request} is predicted to take, in nanoseconds: its probe evaluations
     * ({@link #evaluations} at the level's options) times their measured cost ({@link Calibration}); 0 before
     * anything was measured.
     */
    public long predictNanos(SnapshotLevel level, SnapshotRequest request) {
        return calibration.predict(level, evaluations(level, request), level.probeSize(request.train().size()));
    }

    /** The probe a level evaluates on: a seeded subsample, made once per probe and level. */
    public Probe subsample(Probe probe, SnapshotLevel level) {
        long n = level.probeSize(probe.size());
        if (n >= probe.size()) {
            return probe;
        }
        Map<SnapshotLevel, Probe> byLevel = subsamples.get(probe);
        if (byLevel == null) {
            subsamples.clear(); // only the run's current probes are kept
            byLevel = new java.util.EnumMap<>(SnapshotLevel.class);
            subsamples.put(probe, byLevel);
        }
        return byLevel.computeIfAbsent(level, l -> probe.subsample(n, bench.seed() * 31 + l.ordinal()));
    }

    /**
     * Roughly how many probe evaluations a snapshot with options {@code c} costs, counting a gradient as three (grid
     * points on the linear path cost less: an overestimate).
     */
    public double evaluations(SnapshotConfig c, boolean validation, boolean interpolation) {
        int n = c.grid();
        double sides = validation ? 2 : 1;
        long weights = c.perTensorMeasures() ? bench.weightTensors().size() : 0;
        int planes = (c.planes().contains("random") ? 1 : 0) + (c.planes().contains("pca") ? 1 : 0)
                + (c.planes().contains("hessian") && c.hessianIterations() > 0 ? 1 : 0);
        double e = sides + (c.planeValidation() ? sides : 1) * (double) planes * n * n;
        if (c.slices()) {
            e += sides * (n + (interpolation ? 4 * Math.max(1, Math.round((n - 1) / 4f)) + 1 : 0));
        }
        e += (double) c.sharpnessK() * (1 + weights);
        double samples = c.traceSe() > 0 ? 2.0 * c.hutchinson() : c.hutchinson(); // more until its SE is small
        double gradients = 1 + 4.0 * c.ascentSteps() + samples // a Hessian-vector product is one gradient
                + c.hessianIterations() * (1 + weights + (c.planes().contains("hessian") ? 1 : 0));
        return e + 3 * gradients;
    }
}
