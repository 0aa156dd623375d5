package io.github.landscape4j.engine.shard;

import java.io.Serializable;

/**
 * One plane of a planned snapshot, as values: {@code centre + x·d1 + y·d2} over {@code xs × ys}, on the train probe
 * and, when {@code validation}, the held-out one.
 *
 * @param surface    the plane's position in the snapshot's surfaces
 * @param plane      its name ({@code random}, {@code pca}, {@code hessian})
 * @param d1         its first direction (normalized, in the model's data type)
 * @param d2         its second direction
 * @param xs         coordinates along {@code d1}
 * @param ys         coordinates along {@code d2}: a shard is a range of these rows
 * @param validation whether the held-out probe is evaluated too (the {@code planeValidation} option)
 */
public record PlaneTask(int surface, String plane, Packed d1, Packed d2, double[] xs, double[] ys,
                        boolean validation) implements Serializable {
}
