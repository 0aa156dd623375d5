package io.github.landscape4j.engine.shard;

import io.github.landscape4j.engine.Probe;

import java.io.Serializable;
import java.util.stream.Stream;

/** A {@link Probe} as a plain serializable value (its arrays {@link Packed}), e.g. for a Spark broadcast. */
public record ProbeData(Packed[] features, Packed[] labels, Packed[] featureMasks, Packed[] labelMasks,
                        String source) implements Serializable {

    /** The probe's arrays and description; null gives null. */
    public static ProbeData of(Probe p) {
        return p == null ? null : new ProbeData(Packed.of(p.features()), Packed.of(p.labels()),
                Packed.of(p.featureMasks()), Packed.of(p.labelMasks()), p.source());
    }

    /** The probe again, bit for bit. */
    public Probe probe() {
        return new Probe(Packed.arrays(features), Packed.arrays(labels), Packed.arrays(featureMasks),
                Packed.arrays(labelMasks), source);
    }

    /** Its size in bytes, roughly. */
    public long bytes() {
        return Stream.of(features, labels, featureMasks, labelMasks).filter(a -> a != null)
                .flatMap(Stream::of).filter(p -> p != null).mapToLong(Packed::bytes).sum();
    }
}
