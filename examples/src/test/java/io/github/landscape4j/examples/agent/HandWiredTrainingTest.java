package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;

import java.nio.file.Path;

/** The behaviour tests with the listener added by hand. */
class HandWiredTrainingTest extends AbstractPlainTrainingTest {

    @Override
    ChildJvm.Result trainWithPlugin(Path dir, Path store) throws Exception {
        return Runs.handWired(dir, store);
    }

    @Override
    String expectedRunName() {
        return "hand";
    }

    /** Closing the listeners takes a final snapshot on the examples seen (or says that the budget skips it). */
    @Override
    boolean expectedLine(String line) {
        return line.contains("landscape4j: run hand-") && line.contains("snapshot")
                || line.contains("landscape4j: snapshot of run hand-");
    }
}
