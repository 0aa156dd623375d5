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
}
