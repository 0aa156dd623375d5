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

/**
 * Internal: the one {@link Persistable} class of landscape4j. A record is a JSON payload plus an optional binary
 * blob of floats (checkpoints); its DL4J type id says what it holds. DL4J decodes records by class name, so this
 * class keeps a public no-argument constructor and must be on the class path of whoever reads the store.
 */
public final class LandscapeRecord implements Persistable {
    private static final long serialVersionUID = 1L;
    private static final int MAGIC = 0x4C345352; // "L4SR"

    private String sessionId;
    private String typeId;
    private String workerId;
    private long timestamp;
    private int schemaVersion;
    private String json;
    private float[] floats;

    /** For DL4J's decoder only. */
    public LandscapeRecord() {
    }

    public LandscapeRecord(String sessionId, String typeId, String workerId, long timestamp, String json,
                           float[] floats) {
        this.sessionId = sessionId;
        this.typeId = typeId;
        this.workerId = workerId;
        this.timestamp = timestamp;
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

    @Override
    public int encodingLengthBytes() {
        return encode().length;
    }

    @Override
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + json.length() + 4 * floats.length);
        try {
            encode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void encode(ByteBuffer buffer) {
        buffer.put(encode());
    }

    @Override
    public void encode(OutputStream outputStream) throws IOException {
        DataOutputStream out = new DataOutputStream(outputStream);
        out.writeInt(MAGIC);
        out.writeInt(schemaVersion);
        out.writeUTF(sessionId);
        out.writeUTF(typeId);
        out.writeUTF(workerId);
        out.writeLong(timestamp);
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        out.writeInt(text.length);
        out.write(text);
        out.writeInt(floats.length);
        ByteBuffer blob = ByteBuffer.allocate(4 * floats.length).order(ByteOrder.LITTLE_ENDIAN);
        blob.asFloatBuffer().put(floats);
        out.write(blob.array());
        out.flush();
    }

    @Override
    public void decode(byte[] decode) {
        try {
            decode(new ByteArrayInputStream(decode));
        } catch (IOException e) {
            throw new UncheckedIOException("landscape4j record is truncated or corrupt", e);
        }
    }

    @Override
    public void decode(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        decode(bytes);
    }

    @Override
    public void decode(InputStream inputStream) throws IOException {
        DataInputStream in = new DataInputStream(inputStream);
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a landscape4j record (magic 0x" + Integer.toHexString(magic) + ")");
        }
        schemaVersion = in.readInt();
        if (schemaVersion > RecordTypes.SCHEMA_VERSION) {
            return; // a newer layout: readers report the version instead of guessing at the rest
        }
        sessionId = in.readUTF();
        typeId = in.readUTF();
        workerId = in.readUTF();
        timestamp = in.readLong();
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        json = new String(text, StandardCharsets.UTF_8);
        int n = in.readInt();
        byte[] blob = new byte[4 * n];
        in.readFully(blob);
        floats = new float[n];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
    }
}
