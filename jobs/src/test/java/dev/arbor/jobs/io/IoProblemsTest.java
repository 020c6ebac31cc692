package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Why an I/O operation failed, in a shell's words and without the path its caller names anyway. */
class IoProblemsTest {
    @Test
    void filesExceptionsInAShellsWords() {
        assertThat(IoProblems.describe(new NoSuchFileException("/x"))).isEqualTo("no such file or directory");
        assertThat(IoProblems.describe(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(IoProblems.describe(new MalformedInputException(1))).isEqualTo("not UTF-8 text");
        assertThat(IoProblems.describe(new FileSystemException("/x", null, "Read-only file system")))
                .isEqualTo("read-only file system");
    }

    @Test
    void otherwiseTheMessageOrTheKind() {
        assertThat(IoProblems.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
        assertThat(IoProblems.describe(new IOException())).isEqualTo("IOException");
    }
}
