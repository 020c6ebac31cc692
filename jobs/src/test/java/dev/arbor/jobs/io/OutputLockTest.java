package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: a directory belongs to one job at a time. A second lock is refused naming the holder; a
 * lock left by a process that is gone (or whose pid now belongs to another process) is stale and
 * taken over; one written on another host is never taken for stale.
 */
class OutputLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondLockIsRefusedNamingTheHolderUntilTheFirstIsReleased() throws IOException {
        OutputLock first = OutputLock.acquire(dir, "arbor eval", "--output");
        assertThat(dir.resolve(OutputLock.FILE)).exists();
        assertThatThrownBy(() -> OutputLock.acquire(dir, "arbor generate", "--output")).isInstanceOf(IOException.class)
                .hasMessageContaining("is in use by another Arbor job: arbor eval (pid " + ProcessHandle.current().pid()
                        + " on this machine").hasMessageContaining("--output").hasMessageNotContaining("\n");
        first.close();
        assertThat(dir.resolve(OutputLock.FILE)).doesNotExist();
        try (OutputLock second = OutputLock.acquire(dir, "arbor generate", "--output")) {
            assertThat(second.isHeld()).isTrue();
        }
    }

    @Test
    void aLockOfAProcessThatIsGoneIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        ProcessHandle.Info info = gone.info();
        gone.waitFor(30, TimeUnit.SECONDS);
        writeLock(gone.pid(), info.startInstant().map(Instant::toEpochMilli).orElse(1L), host());
        try (OutputLock lock = OutputLock.acquire(dir, "arbor eval", "--output")) {
            assertThat(Files.readString(dir.resolve(OutputLock.FILE))).contains("pid=" + ProcessHandle.current().pid());
        }
    }

    @Test
    void aLivePidThatStartedAtAnotherTimeIsAReusedPidNotTheHolder() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            long started = other.info().startInstant().orElseThrow().toEpochMilli();
            writeLock(other.pid(), started, host());
            assertThatThrownBy(() -> OutputLock.acquire(dir, "arbor eval", "--output"))
                    .as("the holder runs").hasMessageContaining("pid " + other.pid());

            writeLock(other.pid(), started - 3_600_000, host());
            try (OutputLock lock = OutputLock.acquire(dir, "arbor eval", "--output")) {
                assertThat(lock.isHeld()).as("the pid was reused: the lock is stale").isTrue();
            }
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aLockWrittenOnAnotherHostIsNeverTakenForStale() throws Exception {
        writeLock(1, 1, "another-host.example");
        assertThatThrownBy(() -> OutputLock.acquire(dir, "arbor eval", "--data"))
                .hasMessageContaining("on another-host.example")
                .hasMessageContaining("if it is gone, delete " + dir.resolve(OutputLock.FILE))
                .hasMessageContaining("(--data)");
    }

    @Test
    void releasingLeavesALockThatIsNoLongerOneOwnAlone() throws Exception {
        OutputLock lock = OutputLock.acquire(dir, "arbor eval", "--output");
        writeLock(1, 1, "another-host.example"); // someone replaced it meanwhile
        lock.close();
        assertThat(Files.readString(dir.resolve(OutputLock.FILE))).contains("another-host.example");
    }

    private void writeLock(long pid, long started, String host) throws IOException {
        Files.writeString(dir.resolve(OutputLock.FILE), "pid=" + pid + "\nstarted=" + started + "\nhost=" + host
                + "\ncommand=arbor eval\nsince=" + System.currentTimeMillis() + "\n");
    }

    private static String host() throws IOException {
        return java.net.InetAddress.getLocalHost().getHostName();
    }
}
