package io.github.landscape4j.engine;

/**
 * A 1D slice of a snapshot, as a plug-in: a line through (or ending at) the centre, evaluated with {@link
 * EvaluationContext#line} and added with {@link EvaluationContext#addSlice}.
 */
public interface SliceKind extends Part {
}
