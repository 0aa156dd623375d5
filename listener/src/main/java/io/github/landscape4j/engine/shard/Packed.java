package io.github.landscape4j.engine.shard;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * An ND4J array as a plain serializable value (data type, shape, values in C order), exact for float and double:
 * what a shard carries to another JVM. Other types travel as double and are cast back.
 *
 * @param dataType the array's data type name ({@link DataType#name()})
 * @param shape    its shape
 * @param floats   its values when it is {@code FLOAT}, else null
 * @param doubles  its values otherwise, else null
 */
public record Packed(String dataType, long[] shape, float[] floats, double[] doubles) implements Serializable {

    /** Packs {@code a} (null gives null). */
    public static Packed of(INDArray a) {
        if (a == null) {
            return null;
        }
        INDArray c = a.dup('c');
        return c.dataType() == DataType.FLOAT
                ? new Packed(c.dataType().name(), c.shape(), c.data().asFloat(), null)
                : new Packed(c.dataType().name(), c.shape(), null, c.castTo(DataType.DOUBLE).data().asDouble());
    }

    /** Packs each array (null gives null; null entries stay null). */
    public static Packed[] of(INDArray[] a) {
        if (a == null) {
            return null;
        }
        Packed[] p = new Packed[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = of(a[i]);
        }
        return p;
    }

    /** The array again, bit for bit. */
    public INDArray array() {
        DataType type = DataType.valueOf(dataType);
        if (floats != null) {
            return Nd4j.create(floats, shape, 'c');
        }
        INDArray d = Nd4j.create(doubles, shape, 'c');
        return type == DataType.DOUBLE ? d : d.castTo(type);
    }

    /** Unpacks each array (null gives null). */
    public static INDArray[] arrays(Packed[] p) {
        if (p == null) {
            return null;
        }
        INDArray[] a = new INDArray[p.length];
        for (int i = 0; i < p.length; i++) {
            a[i] = p[i] == null ? null : p[i].array();
        }
        return a;
    }

    /** Its size in bytes, roughly (what a broadcast or a task carries). */
    public long bytes() {
        return floats != null ? 4L * floats.length : 8L * doubles.length;
    }
}
