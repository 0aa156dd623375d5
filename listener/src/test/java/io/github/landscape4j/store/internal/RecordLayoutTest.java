package io.github.landscape4j.store.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record's bytes are the documented layout (files written by earlier versions must stay readable and the other
 * way round): built here field by field with DataOutputStream, as the layout says, and compared byte for byte.
 */
class RecordLayoutTest {

    @Test
    void encodingIsTheDocumentedLayout() throws Exception {
        float[] floats = {1.5f, -2.25f, Float.NaN, 3e-8f};
        String json = "{\"name\":\"Größe €\"}";
        LandscapeRecord r = new LandscapeRecord("session-ü", "landscape4j/checkpoint", "pid1", 42L, 7L, json, floats);

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeUTF("session-ü");
        b.writeUTF("landscape4j/checkpoint");
        b.writeUTF("pid1");
        b.writeLong(42L);
        b.writeLong(7L); // schema 3: the sequence
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        b.writeInt(text.length);
        b.write(text);
        b.writeInt(floats.length);
        for (float f : floats) {
            b.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f))); // little-endian floats
        }
        byte[] bodyBytes = body.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bodyBytes);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DataOutputStream w = new DataOutputStream(whole);
        w.writeInt(0x4C345352);
        w.writeInt(RecordTypes.SCHEMA_VERSION);
        w.writeInt(bodyBytes.length);
        w.write(bodyBytes);
        w.writeInt((int) crc.getValue());

        assertThat(RecordTypes.SCHEMA_VERSION).isEqualTo(3);
        assertThat(r.encode()).containsExactly(whole.toByteArray());
        assertThat(r.encodingLengthBytes()).isEqualTo(whole.size());
        assertThat(r.sizeBound()).isGreaterThanOrEqualTo(whole.size());
        LandscapeRecord back = new LandscapeRecord();
        back.decode(r.encode());
        assertThat(back.json()).isEqualTo(json);
        assertThat(back.floats()).containsExactly(floats);
        assertThat(back.sequence()).isEqualTo(7L);
    }
}
