package io.github.landscape4j.store.internal;

import org.deeplearning4j.core.storage.Persistable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Internal: the one {@link Persistable} class of landscape4j. A record is a JSON payload plus an optional binary
 * blob of floats (checkpoints); its DL4J type id says what it holds. DL4J decodes records by class name, so this
 * class keeps a public no-argument constructor and must be on the class path of whoever reads the store.
 */
public final class LandscapeRecord implements Persistable {
    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x4C345352; // "L4SR"
    /** Upper bound of one record's encoding: 1 GiB (a checkpoint of 250M float parameters). */
    private static final int MAX_RECORD_BYTES = 1 << 30;

    private String sessionId;
    private String typeId;
    private String workerId;
    private long timestamp;
    private long sequence;
    private int schemaVersion;
    private String json;
    private float[] floats;

    /** For DL4J's decoder only. */
    public LandscapeRecord() {
    }

    /** A record outside a run's sequence (e.g. a study), with sequence 0. */
    public LandscapeRecord(String sessionId, String typeId, String workerId, long timestamp, String json,
                           float[] floats) {
        this(sessionId, typeId, workerId, timestamp, 0, json, floats);
    }

    /**
     * {@code sequence} is the record's number among everything its run's writer wrote (1, 2, ...), which the run's
     * manifest lists for the records that are rewritten or removed: a reader tells a current record from an older
     * version of it that a damaged index may point to.
     */
    public LandscapeRecord(String sessionId, String typeId, String workerId, long timestamp, long sequence,
                           String json, float[] floats) {
        this.sessionId = sessionId;
        this.typeId = typeId;
        this.workerId = workerId;
        this.timestamp = timestamp;
        this.sequence = sequence;
        this.schemaVersion = RecordTypes.SCHEMA_VERSION;
        this.json = json;
        this.floats = floats == null ? new float[0] : floats;
    }

    public String json() {
        return json;
    }

    public float[] floats() {
        return floats;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    /** The record's number in its run's writer sequence; 0 for records outside one and before schema 3. */
    public long sequence() {
        return sequence;
    }

    @Override
    public String getSessionID() {
        return sessionId;
    }

    @Override
    public String getTypeID() {
        return typeId;
    }

    @Override
    public String getWorkerID() {
        return workerId;
    }

    @Override
    public long getTimeStamp() {
        return timestamp;
    }

    /**
     * An upper bound of {@link #encodingLengthBytes()} without encoding: the fixed fields, the ids' and the JSON's
     * UTF-8 (at most 3 bytes a char), the floats.
     */
    public long sizeBound() {
        return 48 + 3L * (sessionId.length() + typeId.length() + workerId.length() + json.length())
                + 4L * floats.length;
    }

    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    /**
     * The record's bytes, written once into one array of the exact size (a checkpoint is mostly its floats: each
     * extra copy of them is a copy of the model's parameters on the writer's thread, which shares the machine's
     * cores with training).
     */
    @Override
    public byte[] encode() {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream(64);
        DataOutputStream head = new DataOutputStream(headBytes);
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        try {
            head.writeUTF(sessionId);
            head.writeUTF(typeId);
            head.writeUTF(workerId);
            head.writeLong(timestamp);
            if (schemaVersion >= 3) {
                head.writeLong(sequence);
            }
            head.writeInt(text.length);
            head.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] prefix = headBytes.toByteArray();
        long bodyLength = prefix.length + (long) text.length + 4 + 4L * floats.length;
        if (bodyLength + 16 > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("landscape4j record of " + bodyLength + " bytes is longer than "
                    + MAX_RECORD_BYTES);
        }
        byte[] out = new byte[12 + (int) bodyLength + 4];
        ByteBuffer b = ByteBuffer.wrap(out); // big-endian, as DataOutputStream
        b.putInt(MAGIC).putInt(schemaVersion).putInt((int) bodyLength);
        b.put(prefix).put(text).putInt(floats.length);
        int floatsAt = b.position();
        ByteBuffer.wrap(out, floatsAt, 4 * floats.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(floats);
        CRC32 crc = new CRC32();
        crc.update(out, 12, (int) bodyLength);
        b.position(floatsAt + 4 * floats.length);
        b.putInt((int) crc.getValue());
        return out;
    }

    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    /**
     * Layout (schema 2 and 3): magic, schema version, body length, body, CRC32 of the body. The checksum makes a
     * record damaged on disk fail to decode instead of decoding into wrong values. Schema 3 adds the sequence to the
     * body, after the timestamp. The body: session, type and worker ids (DataOutput's UTF), timestamp, sequence,
     * the JSON's length and UTF-8 bytes, the number of floats and the floats (little-endian).
     */
    @Override
    public void encode(OutputStream outputStream) throws IOException {
        outputStream.write(encode());
        outputStream.flush();
    }

    /** Decodes; a record that is not whole and intact is thrown out as {@link CorruptRecordException}. */
    @Override
    public void decode(byte[] decode) {
        try {
            decodeChecked(decode);
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException("landscape4j record is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public void decode(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        decode(bytes);
    }

    /** Reads at most {@link #MAX_RECORD_BYTES} from the stream, then decodes them. */
    @Override
    public void decode(InputStream inputStream) throws IOException {
        byte[] bytes = inputStream.readNBytes(MAX_RECORD_BYTES + 1);
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new IOException("landscape4j record longer than " + MAX_RECORD_BYTES + " bytes");
        }
        decode(bytes);
    }

    private void decodeChecked(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a landscape4j record (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version > RecordTypes.SCHEMA_VERSION) {
            schemaVersion = version;
            return; // a newer layout: readers report the version instead of guessing at the rest
        }
        if (version < 1) {
            throw new IOException("schema version " + version + " is not a landscape4j version");
        }
        if (version == 1) { // before checksums: lengths are still bounded by the bytes there are
            decodeBody(in, bytes.length - 8, version);
            schemaVersion = version;
            return;
        }
        int length = in.readInt();
        if (length < 0 || length != bytes.length - 16) {
            throw new IOException("body length " + length + " does not fit a record of " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, length);
        int stored = ByteBuffer.wrap(bytes, 12 + length, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException("checksum mismatch (stored 0x" + Integer.toHexString(stored) + ", computed 0x"
                    + Long.toHexString(crc.getValue()) + ")");
        }
        decodeBody(new DataInputStream(new ByteArrayInputStream(bytes, 12, length)), length, version);
        schemaVersion = version;
    }

    /** Every length read is checked against {@code available}, so a damaged length cannot ask for a huge array. */
    private void decodeBody(DataInputStream in, int available, int version) throws IOException {
        sessionId = in.readUTF();
        typeId = in.readUTF();
        workerId = in.readUTF();
        timestamp = in.readLong();
        sequence = version >= 3 ? in.readLong() : 0;
        if (sequence < 0) {
            throw new IOException("negative sequence " + sequence);
        }
        int textLength = in.readInt();
        if (textLength < 0 || textLength > available) {
            throw new IOException("JSON length " + textLength + " outside 0.." + available);
        }
        byte[] text = new byte[textLength];
        in.readFully(text);
        json = new String(text, StandardCharsets.UTF_8);
        int n = in.readInt();
        if (n < 0 || n > available / 4) {
            throw new IOException("float count " + n + " outside 0.." + available / 4);
        }
        byte[] blob = new byte[4 * n];
        in.readFully(blob);
        floats = new float[n];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        if (in.read() != -1) {
            throw new IOException("trailing bytes after the record");
        }
    }

    /** A record that could not be decoded: truncated, damaged (checksum), or not a landscape4j record. */
    public static final class CorruptRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
