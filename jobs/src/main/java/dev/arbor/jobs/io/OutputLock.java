package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Proof that one job owns a directory (an output directory, the state directory of a Kafka eval, the
 * data folder of {@code arbor kafka-dev}): the hidden file {@value #FILE} in it names the process that
 * holds it (pid, the process's start time, host, command). A second job that finds the file refuses to
 * start, naming the holder; two jobs writing one output would duplicate every record.
 *
 * <p>Invariants: the file is created atomically (exactly one of two racing processes gets it); it is
 * deleted only by its holder, when the job ends, fails or is stopped (Ctrl-C, SIGTERM: see
 * {@link #releaseOnShutdown}); a file left by a process that died without releasing (SIGKILL, a crash)
 * is stale and taken over, which is told by process liveness on this host: the pid must run and have
 * started when the file says, so a pid the system reused for another process is not taken for the
 * holder. A file written on another host cannot be checked from here, so it blocks until its holder or
 * the user deletes it.
 */
@Internal
public final class OutputLock implements AutoCloseable {
    /** The lock file's name, hidden so that no job reads or deletes it as output. */
    public static final String FILE = ".arbor-lock";
    /** How long a lock file may stay empty while its creator writes it, before it is taken as damaged. */
    private static final long WRITE_GRACE_MILLIS = 2000;
    /** Directories locked by this JVM: its own lock file is stale unless listed here. */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();
    /** This machine's name, looked up once (a slow resolver would otherwise delay every check). */
    private static final String HOST = hostName();

    private final Path file;
    private final String content;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean releasedAtShutdownByOther = new AtomicBoolean();
    private final Thread shutdownHook;

    private OutputLock(Path file, String content) {
        this.file = file;
        this.content = content;
        this.shutdownHook = file == null ? null : new Thread(() -> {
            if (!releasedAtShutdownByOther.get()) {
                close();
            }
        }, "arbor-release-output-lock");
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /**
     * No lock: for a directory on a file system this client does not reach as local files (hdfs://,
     * s3://), where neither an atomic create nor process liveness can be relied on. Closing it does nothing.
     */
    public static OutputLock none() {
        return new OutputLock(null, "");
    }

    /** Whether this lock holds a directory (see {@link #none()}). */
    public boolean isHeld() {
        return file != null && !released.get();
    }

    /**
     * Locks {@code directory} (created when missing) for this process.
     *
     * @param command what holds it, for the message another job prints ("arbor eval")
     * @param option how a user chooses another directory ("--output"), for the same message
     * @throws IOException a one-line message for the user when another live process holds it, or the
     *     directory cannot be written
     */
    public static OutputLock acquire(Path directory, String command, String option) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        Holder me = Holder.current(command);
        String content = me.render();
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                HELD_HERE.add(dir);
                return new OutputLock(file, content);
            } catch (FileAlreadyExistsException taken) {
                String found = read(file);
                if (found == null) {
                    continue; // released meanwhile: try again
                }
                Optional<Holder> holder = Holder.parse(found);
                if (holder.isEmpty() && age(file) < WRITE_GRACE_MILLIS) {
                    sleep(50); // its creator is writing it
                    continue;
                }
                if (holder.isPresent() && holder.get().isAlive(dir)) {
                    throw new IOException(holder.get().refusal(dir, option));
                }
                deleteIfStill(file, found); // stale: its holder is gone
            }
        }
        throw new IOException("could not lock " + dir + " (" + FILE + " keeps changing); try again");
    }

    /**
     * Hands the release at JVM shutdown to whoever stops the job (see {@code JobRunner.OnExit}): the
     * lock must outlive the job's stop with a savepoint, which runs in another shutdown hook. The
     * caller must call {@link #close()} when the stop is done.
     */
    public void releaseOnShutdown() {
        releasedAtShutdownByOther.set(true);
    }

    /** Deletes the lock file if it is still this one's; idempotent. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true) || file == null) {
            return;
        }
        HELD_HERE.remove(file.getParent());
        deleteIfStill(file, content);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // this is the hook, or the JVM is exiting: nothing to remove
        }
    }

    private static void deleteIfStill(Path file, String expected) {
        try {
            if (expected.equals(read(file))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // left behind: the next job finds it stale
        }
    }

    /** The file's text, or null when it does not exist. */
    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static long age(Path file) {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a lock", e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The process named in a lock file. */
    record Holder(long pid, long startMillis, String host, String command, long sinceMillis) {
        static Holder current(String command) {
            ProcessHandle self = ProcessHandle.current();
            return new Holder(self.pid(), startMillis(self), HOST, command, System.currentTimeMillis());
        }

        String render() {
            return "pid=" + pid + "\nstarted=" + startMillis + "\nhost=" + host + "\ncommand=" + command
                    + "\nsince=" + sinceMillis + "\n";
        }

        /** The holder a lock file names; empty when the file is empty or damaged. */
        static Optional<Holder> parse(String text) {
            Map<String, String> fields = new LinkedHashMap<>();
            text.lines().forEach(line -> {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            });
            try {
                return Optional.of(new Holder(Long.parseLong(fields.get("pid")),
                        Long.parseLong(fields.get("started")), fields.getOrDefault("host", ""),
                        fields.getOrDefault("command", "an Arbor job"),
                        Long.parseLong(fields.getOrDefault("since", "0"))));
            } catch (NumberFormatException | NullPointerException e) {
                return Optional.empty();
            }
        }

        /**
         * Whether the process still runs: on this host, a process with this pid that started when the
         * file says (this JVM counts only while it holds the directory); on another host, unknown, so
         * assumed.
         */
        boolean isAlive(Path dir) {
            if (!host.equals(HOST)) {
                return true;
            }
            if (pid == ProcessHandle.current().pid()) {
                return HELD_HERE.contains(dir);
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(process -> startMillis == 0 || startMillis(process) == 0 || startMillis(process) == startMillis)
                    .orElse(false);
        }

        /** The one line a second job prints. */
        String refusal(Path dir, String option) {
            String running = sinceMillis == 0 ? "" : ", running since " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(sinceMillis));
            boolean here = host.equals(HOST);
            return "the directory " + dir + " is in use by another Arbor job: " + command + " (pid " + pid
                    + (here ? " on this machine" : " on " + host) + running + "); wait for it to end or stop it ("
                    + (here ? "Ctrl-C in its terminal, or kill " + pid : "on " + host + "; if it is gone, delete "
                    + dir.resolve(FILE)) + "), or choose another directory (" + option + ")";
        }

        private static long startMillis(ProcessHandle process) {
            return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }

    }
}
