package io.github.landscape4j.examples;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The complete project the README links to ({@code docs/getting-started.md}, "Add it to your Maven project"), pasted:
 * its {@code pom.xml}, {@code .mvn/maven.config} and training program, taken verbatim from that page, built and run
 * as a separate Maven project with the page's two commands.
 *
 * <p>The nested build resolves {@code landscape4j-listener:0.1.0-SNAPSHOT} from the local repository, as a user's
 * project does. That is why the README's test command (and {@code .ci/run}) is {@code mvn -B install}, not
 * {@code verify}: the reactor installs the parent, listener, agent and ui-extension before this module's tests run,
 * so the nested build gets the listener of this checkout rather than a stale or missing one. It runs offline
 * ({@code -o}) against the same local repository: DL4J's poms name extra repositories that an online build would ask
 * for metadata. The plugins the README's pom pins are the versions this build uses, so they are there too.
 */
class ReadmeProjectTest {

    /** A file of the project: the marker comment naming its path, then one fenced block. */
    private static final Pattern FILE_BLOCK =
            Pattern.compile("<!-- readme-project: (\\S+) -->\\n```[a-z]*\\n(.*?)^```$", Pattern.DOTALL
                    | Pattern.MULTILINE);
    private static final long LIMIT_SECONDS = 300;

    @TempDir
    Path project;
    @TempDir
    Path logs;

    @Test
    void theReadmeProjectBuildsRunsAndRecordsASnapshot() throws Exception {
        Map<String, String> files = readmeProjectFiles();
        assertThat(files).containsOnlyKeys("pom.xml", ".mvn/maven.config",
                "src/main/java/com/example/LandscapeDemo.java");
        assertThat(files.get(".mvn/maven.config")).isEqualTo("-Djavacpp.platform=linux-x86_64\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = project.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }

        // the README's first command, offline
        List<String> mvn = new ArrayList<>(List.of("mvn", "-o", "-B", "-q"));
        String localRepository = System.getProperty("maven.repo.local");
        if (localRepository != null && !localRepository.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + localRepository);
        }
        mvn.addAll(List.of("compile", "dependency:build-classpath", "-Dmdep.outputFile=target/classpath.txt"));
        Child build = run(mvn, Map.of());
        assertThat(build.exitCode()).as("the README project's build failed: %s", build).isZero();

        // the README's second command, with OMP_NUM_THREADS=1 where the README advises it (2 cores or fewer)
        String classPath = "target/classes" + File.pathSeparator
                + Files.readString(project.resolve("target/classpath.txt")).strip();
        Map<String, String> env = Runtime.getRuntime().availableProcessors() <= 2 ? Map.of("OMP_NUM_THREADS", "1")
                : Map.of();
        Child program = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classPath, "com.example.LandscapeDemo"), env);
        assertThat(program.exitCode()).as("the README program failed: %s", program).isZero();

        Path store = project.resolve("runs/demo.db");
        assertThat(store).as("the store the README program writes; %s", program).isRegularFile();
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).as("runs in %s", store).hasSize(1);
            String runId = runs.get(0).runId();
            int snapshots = s.snapshots(runId).size();
            assertThat(program.output()).as("what the README program printed")
                    .contains("snapshots of run " + runId + ": " + snapshots);
            assertThat(snapshots).as("snapshots of the README program's run with default options; %s", program)
                    .isPositive();
        }
    }

    /** The blocks of the README's "Add it to your Maven project", by the path their marker names. */
    private static Map<String, String> readmeProjectFiles() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "getting-started.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Add it to your Maven project\n");
        assertThat(start).as("the README's section 'Add it to your Maven project'").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = FILE_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        Map<String, String> files = new LinkedHashMap<>();
        while (m.find()) {
            assertThat(files.put(m.group(1), m.group(2))).as("README project file %s given twice", m.group(1))
                    .isNull();
        }
        return files;
    }

    /** What a child process did: its command, exit code and output (stdout and stderr interleaved). */
    private record Child(List<String> command, int exitCode, String output) {
        @Override
        public String toString() {
            return shown(command) + " exited " + exitCode + "; its output:\n" + output;
        }
    }

    /** A command line for a message, with its class path cut short. */
    private static String shown(List<String> command) {
        return command.stream().map(a -> a.length() > 200 ? a.substring(0, 120) + "...(" + a.length() + " chars)" : a)
                .collect(Collectors.joining(" "));
    }

    private Child run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(logs, "child", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            throw new AssertionError(shown(command) + " did not finish in " + LIMIT_SECONDS
                    + " s; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Child(command, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
