package io.github.landscape4j.examples.programs;

import io.github.landscape4j.examples.bench.ChildJvm;

import java.nio.file.Path;
import java.util.List;

/** The programs' snapshot tests unmodified under {@code -javaagent:JAR=store=FILE}, nothing else. */
class AgentProgramsTest extends AbstractProgramsTest {

    @Override
    ChildJvm.Result trainWithPlugin(Path dir, Program program, List<String> args, Path store) throws Exception {
        return ProgramRuns.withAgent(dir, program, args, store);
    }
}
