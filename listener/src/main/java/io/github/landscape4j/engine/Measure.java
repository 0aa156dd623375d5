package io.github.landscape4j.engine;

import io.github.landscape4j.store.MeasureDescriptor;

import java.util.List;

/**
 * A scalar measure of a snapshot, as a plug-in: it declares what it writes ({@link #descriptors(SnapshotConfig)}:
 * key, label, unit, paper, parameter scope) and computes it with {@link EvaluationContext#put(String, double)}.
 * Add one to an engine with {@link LandscapeEngine.Builder#measure(Measure)} (the listener's builder takes it too);
 * the store keeps the descriptors with the run, and the page and CSV label the values from them.
 */
public interface Measure extends Part {
    /** What it writes under {@code config}; the keys must be unique in the engine. */
    List<MeasureDescriptor> descriptors(SnapshotConfig config);
}
