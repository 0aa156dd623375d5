package io.github.landscape4j.engine.plane;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.SliceKind;
import io.github.landscape4j.engine.internal.Workbench;

import java.util.Locale;

/** The 1D slice along the run's random line (drawn once, normalized at each snapshot), over {@code [-range, range]}. */
public final class RandomSlice implements SliceKind {

    @Override
    public String name() {
        return "random slice";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().slices();
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Workbench b = ctx.workbench();
        ctx.line("random", "random direction (" + ctx.config().normalization().name().toLowerCase(Locale.ROOT)
                + "-normalized)", ctx.centre(), b.normalized(b.raw(3), ctx.centre()), ctx.axis());
    }
}
