package io.github.landscape4j.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a Java main in a fresh JVM and keeps its exit code, stdout and stderr. */
public final class ChildJvm {

    /**
     * What a child JVM did.
     *
     * @param exitCode its exit code
     * @param stdout   everything it printed on stdout
     * @param stderr   everything it printed on stderr
     */
    public record Result(int exitCode, String stdout, String stderr) {
        /** Lines of stdout. */
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        /** Lines of stderr. */
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private ChildJvm() {
    }

    /**
     * Runs {@code java JVM_ARGS -cp CLASS_PATH MAIN ARGS} with output going to files in {@code dir} (no pipe can
     * fill up), waiting at most {@code timeoutSeconds}.
     */
    public static Result run(Path dir, List<String> jvmArgs, String classPath, String main, List<String> args,
                             long timeoutSeconds) throws IOException, InterruptedException {
        return run(dir, Map.of(), jvmArgs, classPath, main, args, timeoutSeconds);
    }

    /** {@link #run(Path, List, String, String, List, long)} with {@code env} added to this JVM's environment. */
    public static Result run(Path dir, Map<String, String> env, List<String> jvmArgs, String classPath, String main,
                             List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(main);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("child JVM did not finish in " + timeoutSeconds + " s: " + command
                    + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
