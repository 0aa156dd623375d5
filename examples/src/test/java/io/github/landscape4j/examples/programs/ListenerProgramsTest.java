package io.github.landscape4j.examples.programs;

import io.github.landscape4j.examples.bench.ChildJvm;

import java.nio.file.Path;
import java.util.List;

/** The programs' snapshot tests with the listener added by hand, closed after training. */
class ListenerProgramsTest extends AbstractProgramsTest {

    @Override
    ChildJvm.Result trainWithPlugin(Path dir, Program program, List<String> args, Path store) throws Exception {
        return ProgramRuns.withListener(dir, program, args, store);
    }
}
