package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For looking at the page by hand: {@code PageFixture STORE PORT} writes two real runs into {@code STORE} (when it
 * does not exist yet: adam-1e-2 with 3 snapshots, adam-1e-3 with 2) and serves it on {@code PORT} until killed.
 */
public final class PageFixture {
    private PageFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        boolean fresh = !Files.exists(file);
        LandscapeStore store = LandscapeStore.open(file);
        if (fresh) {
            try (TrainingRun a = new TrainingRun(store, "adam-1e-2", 7, 0.01);
                 TrainingRun b = new TrainingRun(store, "adam-1e-3", 8, 0.001)) {
                for (int i = 0; i < 3; i++) {
                    a.train(20);
                    a.snapshot();
                }
                for (int i = 0; i < 2; i++) {
                    b.train(20);
                    b.snapshot();
                }
            }
        }
        LandscapeUi.Handle ui = LandscapeUi.start(Integer.parseInt(args[1]), store.statsStorage());
        System.out.println("page " + ui.url());
        Thread.currentThread().join();
    }
}
