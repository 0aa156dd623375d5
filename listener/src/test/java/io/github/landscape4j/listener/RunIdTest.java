package io.github.landscape4j.listener;

import io.github.landscape4j.listener.internal.RunIds;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs started in the same second (a sweep) get distinct ids: two runs with one id would share one DL4J session and
 * the store would show one run where there were two. More ids than the 16-bit suffix holds still come out distinct.
 */
class RunIdTest {

    @Test
    void idsIssuedInOneSecondAreDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 70_000; i++) {
            String id = RunIds.unique("sweep-20261127-183420-");
            assertThat(id).matches("sweep-20261127-183420-([0-9a-f]{4}|[0-9a-f]{8})");
            ids.add(id);
        }
        assertThat(ids).hasSize(70_000);
    }
}
