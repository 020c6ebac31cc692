package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, defect 3: a watched file is named by its content (the split path's fragment), so a new
 * version under an old name is a new split and the same bytes again are the same split; files are
 * handed out only once settled; a file system opens the split path as the file itself.
 */
class InputFileEnumeratorTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong();

    private List<FileSourceSplit> list(InputFileEnumerator enumerator) throws Exception {
        return List.copyOf(enumerator.enumerateSplits(new org.apache.flink.core.fs.Path[] {
            new org.apache.flink.core.fs.Path(dir.toUri())}, 1));
    }

    @Test
    void aWatchedFileIsNamedByItsContentOnceItHasSettled() throws Exception {
        InputFileEnumerator watched = new InputFileEnumerator(RecordFormat.JSONL, Duration.ofSeconds(1), true,
                now::get);
        Path file = Files.writeString(dir.resolve("items.jsonl"), "{\"id\": \"a\"}\n");
        assertThat(list(watched)).as("not settled yet").isEmpty();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        FileSourceSplit first = list(watched).get(0);
        assertThat(first.path().toUri().getFragment()).startsWith("sha256=");
        assertThat(first.path().getPath()).isEqualTo(file.toString());
        try (var in = first.path().getFileSystem().open(first.path())) {
            assertThat(new String(in.readAllBytes())).as("opened as the file itself").isEqualTo("{\"id\": \"a\"}\n");
        }

        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000)); // touched
        assertThat(list(watched)).as("changed: settles again").isEmpty();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(list(watched).get(0).path()).as("the same bytes: the same split path").isEqualTo(first.path());

        Files.writeString(file, "{\"id\": \"b\"}\n{\"id\": \"c\"}\n");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        list(watched);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        FileSourceSplit second = list(watched).get(0);
        assertThat(second.path()).as("new content: a new split path").isNotEqualTo(first.path());
        assertThat(second.path().getPath()).isEqualTo(file.toString());
    }

    @Test
    void aBoundedInputIsListedByPlainPath() throws Exception {
        Path file = Files.writeString(dir.resolve("items.jsonl"), "{}\n");
        assertThat(list(new InputFileEnumerator(RecordFormat.JSONL))).singleElement()
                .satisfies(split -> assertThat(split.path().toUri().getFragment()).isNull())
                .satisfies(split -> assertThat(split.path().getPath()).isEqualTo(file.toString()));
    }
}
