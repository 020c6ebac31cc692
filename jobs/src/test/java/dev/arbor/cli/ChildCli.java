package dev.arbor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./arbor ARGS} as a process of its own, without the build wrapper: the CLI in a child JVM on
 * the test class path with the command's own logging configuration, its output and errors in files. For tests that need what only a separate
 * process shows: its exit code, signals, two jobs at once.
 */
public final class ChildCli {
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildCli(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code arbor args} with {@code workdir} as working directory and Arbor home (whose
     * {@code conf/} holds the default job files).
     */
    public static ChildCli start(Path workdir, List<String> args) throws IOException {
        // The command's own logging (the test class path would give the tests' configuration).
        Path logging = Path.of("src", "main", "resources", "log4j2.properties").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-Darbor.home=" + workdir, "-Dlog4j2.configurationFile=" + logging, "-cp",
                System.getProperty("java.class.path"), ArborCli.class.getName()));
        command.addAll(args);
        Path out = Files.createTempFile(workdir, "out", ".txt");
        Path err = Files.createTempFile(workdir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(workdir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new ChildCli(process, out, err);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as {@code kill PID} sends (the JVM runs its shutdown hooks, as on Ctrl-C). */
    public void terminate() {
        process.destroy();
    }

    /** SIGINT, what Ctrl-C in its terminal sends. */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the exit code; fails the test when the process outlives {@code minutes}. */
    public int await(int minutes) throws InterruptedException, IOException {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the arbor process did not end in " + minutes + " minutes:\n" + err());
        }
        return process.exitValue();
    }

    public String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    public String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }
}
