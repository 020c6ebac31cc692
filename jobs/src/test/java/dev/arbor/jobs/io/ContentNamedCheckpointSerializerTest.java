package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.PendingSplitsCheckpointSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, defect 3: the files a watched source has read survive its checkpoints with the names of
 * their contents (Flink's own serializer writes a path's text and drops them, so a restored job read
 * every file again); checkpoints of the earlier format still restore.
 */
class ContentNamedCheckpointSerializerTest {
    @TempDir
    Path dir;

    @Test
    void theContentNamesOfTheFilesReadSurviveACheckpoint() throws Exception {
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(
                Files.writeString(dir.resolve("items.jsonl"), "{}\n").toUri());
        org.apache.flink.core.fs.Path read = InputFileEnumerator.withContent(file, "ab12");
        FileSourceSplit pending = new FileSourceSplit("7", InputFileEnumerator.withContent(file, "cd34"), 0, 3, 1, 3);
        ContentNamedCheckpointSerializer serializer = new ContentNamedCheckpointSerializer();

        PendingSplitsCheckpoint<FileSourceSplit> restored = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(PendingSplitsCheckpoint.fromCollectionSnapshot(List.of(pending), List.of(read))));

        assertThat(restored.getAlreadyProcessedPaths()).containsExactly(read);
        assertThat(restored.getAlreadyProcessedPaths().iterator().next().toUri().getFragment()).isEqualTo("sha256=ab12");
        assertThat(restored.getSplits()).singleElement().satisfies(split -> assertThat(split.path())
                .isEqualTo(pending.path()));
    }

    @Test
    void aCheckpointOfTheEarlierFormatTakesEachFileReadAsTheContentItHasNow() throws Exception {
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(
                Files.writeString(dir.resolve("items.jsonl"), "{\"id\": \"a\"}\n").toUri());
        byte[] earlier = new PendingSplitsCheckpointSerializer<>(FileSourceSplitSerializer.INSTANCE)
                .serialize(PendingSplitsCheckpoint.fromCollectionSnapshot(List.of(), List.of(file)));

        PendingSplitsCheckpoint<FileSourceSplit> restored = new ContentNamedCheckpointSerializer().deserialize(1,
                earlier);

        assertThat(restored.getAlreadyProcessedPaths()).containsExactly(InputFileEnumerator.namedByContentNow(file));
        assertThat(restored.getAlreadyProcessedPaths().iterator().next().toUri().getFragment()).startsWith("sha256=");
    }
}
