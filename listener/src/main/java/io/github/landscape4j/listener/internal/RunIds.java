package io.github.landscape4j.listener.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** Internal: unique run ids, and run metadata made once on first use. */
public final class RunIds {
    /** Run ids issued in this JVM (a sweep starts several runs a second: a 16-bit suffix alone can repeat). */
    private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    private RunIds() {
    }

    /**
     * {@code prefix} plus a random 4-digit hex suffix not issued before in this JVM: two runs with one id would share
     * one DL4J session, and the store would show one run where there were two.
     */
    public static String unique(String prefix) {
        for (int attempt = 0; ; attempt++) {
            String id = prefix + (attempt < 100 // a second with thousands of runs: a wider suffix
                    ? String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000))
                    : String.format("%08x", ThreadLocalRandom.current().nextInt()));
            if (ISSUED.add(id)) {
                return id;
            }
        }
    }

    /** {@code make} called once, on first use; what it was made from is dropped then. */
    static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private Supplier<T> maker = make;
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = maker.get();
                    maker = null; // what it was made from (a copy of the model's configuration) can go
                }
                return value;
            }
        };
    }
}
