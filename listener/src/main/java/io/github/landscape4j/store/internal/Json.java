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
 * {@code double[]}); this JSON is read only by this Gson. JSON for others (the UI's API) writes them as {@code null}.
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

    private Json() {
    }
}
