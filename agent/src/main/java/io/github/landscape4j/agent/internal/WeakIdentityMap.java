package io.github.landscape4j.agent.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal: model to listener, by identity, without keeping models alive. Not a {@code WeakHashMap}: DL4J's models
 * override {@code equals} (comparing parameters) but not {@code hashCode}. A program has a handful of models, so a
 * scanned list is enough. Not thread-safe: {@link Attacher} holds its lock.
 */
final class WeakIdentityMap {

    private record Entry(WeakReference<Object> key, Object value) {
    }

    private final List<Entry> entries = new ArrayList<>();

    Object get(Object key) {
        entries.removeIf(e -> e.key().get() == null);
        for (Entry e : entries) {
            if (e.key().get() == key) {
                return e.value();
            }
        }
        return null;
    }

    void put(Object key, Object value) {
        entries.removeIf(e -> e.key().get() == null || e.key().get() == key);
        entries.add(new Entry(new WeakReference<>(key), value));
    }

    void putIfAbsent(Object key, Object value) {
        if (get(key) == null) {
            put(key, value);
        }
    }
}
