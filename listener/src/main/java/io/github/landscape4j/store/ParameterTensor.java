package io.github.landscape4j.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One parameter tensor of a model, as DL4J names it in {@code paramTable()} (e.g. {@code 0_W}, {@code 1_b}, or
 * {@code dense_W} in a ComputationGraph), with its offset and shape in the flattened parameter vector.
 *
 * @param name   DL4J parameter key
 * @param offset index of its first element in {@code model.params()}
 * @param shape  tensor shape
 * @param role   what DL4J's layer says it is: {@code weight}, {@code bias}, {@code batchnorm} (batch-norm gamma/beta,
 *               layer-norm gain), {@code batchnorm_statistics} (running mean/variance: not trained); null when not
 *               recorded (runs of older versions): then taken from the key's suffix
 */
public record ParameterTensor(String name, long offset, long[] shape, String role) {

    /** A tensor whose role is taken from its key's suffix. */
    public ParameterTensor(String name, long offset, long[] shape) {
        this(name, offset, shape, null);
    }

    public ParameterTensor {
        Objects.requireNonNull(name, "name");
        if (offset < 0) {
            throw new IllegalArgumentException("offset of tensor " + name + " must be >= 0, was " + offset);
        }
        shape = shape.clone();
    }

    /** Number of elements. */
    public long length() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterTensor t && t.name.equals(name) && t.offset == offset
                && Arrays.equals(t.shape, shape) && Objects.equals(t.role, role);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, offset, Arrays.hashCode(shape), role);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
