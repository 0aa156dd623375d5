package io.github.landscape4j.store.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.time.Instant;

/**
 * Internal: the one Gson instance for record payloads. NaN and infinities are stored as the literals {@code NaN} and
 * {@code Infinity}, so that a reader gets back the values that were computed (a {@code null} cannot go into a
 * {@code double[]}); this JSON is read only by this Gson. JSON for others (the UI's API, a study's report files)
 * comes from {@link #forOthers()}, which writes them as {@code null}.
 */
public final class Json {
    public static final Gson GSON = new GsonBuilder()
            .serializeSpecialFloatingPointValues()
            .disableHtmlEscaping()
            .registerTypeAdapter(Instant.class, new TypeAdapter<Instant>() {
                @Override
                public void write(JsonWriter out, Instant value) throws IOException {
                    out.value(value == null ? null : value.toString());
                }

                @Override
                public Instant read(JsonReader in) throws IOException {
                    return Instant.parse(in.nextString());
                }
            }.nullSafe())
            .create();

    private static final TypeAdapter<Double> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else if (value.isNaN() || value.isInfinite()) {
                // a map entry or field must stay, as null: Gson drops null members unless told otherwise
                boolean serializeNulls = out.getSerializeNulls();
                out.setSerializeNulls(true);
                out.nullValue();
                out.setSerializeNulls(serializeNulls);
            } else {
                out.value(value);
            }
        }

        @Override
        public Double read(JsonReader in) {
            throw new UnsupportedOperationException("JSON for others is only written");
        }
    };

    private static final TypeAdapter<Float> FINITE_FLOAT_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Float value) throws IOException {
            if (value == null || value.isNaN() || value.isInfinite()) {
                FINITE_OR_NULL.write(out, value == null ? null : Double.NaN);
            } else {
                out.value(value); // as a Number: 0.1f stays 0.1
            }
        }

        @Override
        public Float read(JsonReader in) {
            throw new UnsupportedOperationException("JSON for others is only written");
        }
    };

    /**
     * A Gson builder for JSON that other programs read (browsers' {@code JSON.parse} rejects {@code NaN}): NaN and
     * infinities become {@code null} wherever they are (fields, arrays, map values, which stay as null entries),
     * instants ISO-8601 strings. Write only.
     */
    public static GsonBuilder forOthers() {
        return new GsonBuilder()
                .disableHtmlEscaping()
                .registerTypeAdapter(Double.class, FINITE_OR_NULL)
                .registerTypeAdapter(double.class, FINITE_OR_NULL)
                .registerTypeAdapter(Float.class, FINITE_FLOAT_OR_NULL)
                .registerTypeAdapter(float.class, FINITE_FLOAT_OR_NULL)
                .registerTypeAdapter(Instant.class, new TypeAdapter<Instant>() {
                    @Override
                    public void write(JsonWriter out, Instant value) throws IOException {
                        out.value(value.toString());
                    }

                    @Override
                    public Instant read(JsonReader in) {
                        throw new UnsupportedOperationException("JSON for others is only written");
                    }
                }.nullSafe());
    }

    private Json() {
    }
}
