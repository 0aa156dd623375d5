package io.github.landscape4j.engine.shard;

import java.io.Serializable;

/**
 * One plane or slice of a planned snapshot, as values: a plane is {@code centre + x·d1 + y·d2} over {@code xs × ys};
 * a slice ({@link #line()}) is {@code base + x·d1} along {@code xs}, one row. Evaluated on the train probe and, when
 * {@code validation}, the held-out one.
 *
 * @param index      its position in the snapshot's surfaces (a plane) or slices (a slice)
 * @param plane      its name: the plane's ({@code random}, {@code pca}, {@code hessian}) or the slice's kind
 * @param d1         its (first) direction, in the model's data type
 * @param d2         a plane's second direction; null for a slice
 * @param xs         coordinates along {@code d1}
 * @param ys         coordinates along {@code d2}: a shard is a range of these rows ({@code {0}} for a slice)
 * @param validation whether the held-out probe is evaluated too (a plane: the {@code planeValidation} option)
 * @param base       a slice's starting point ({@code α = 0}); null for a plane (it is centred on the centre)
 */
public record PlaneTask(int index, String plane, Packed d1, Packed d2, double[] xs, double[] ys,
                        boolean validation, Packed base) implements Serializable {

    /** Whether it is a slice (one row along one direction from {@code base}). */
    public boolean line() {
        return d2 == null;
    }
}
