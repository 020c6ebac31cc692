package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files an input path stands for, in which format, and how many records they hold. */
class InputFilesTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aDirectoryIsReadRecursivelyWithoutHiddenFilesAndByExtension() throws IOException {
        write("a.jsonl", "{}\n\n{}\n");
        write("b.ndjson", "{}\n");
        write("notes.txt", "x\n");
        write(".hidden.jsonl", "{}\n");
        write("_tmp/c.jsonl", "{}\n");
        write("sub/d.json", "{}\n");
        Path root = new Path(dir.toUri());
        assertThat(InputFiles.list(root, RecordFormat.JSONL)).extracting(status -> status.getPath().getName())
                .containsExactly("a.jsonl", "b.ndjson", "d.json");
        assertThat(InputFiles.resolve(root, RecordFormat.AUTO)).isEqualTo(RecordFormat.JSONL);
        assertThat(InputFiles.count(InputFiles.list(root, RecordFormat.JSONL), RecordFormat.JSONL))
                .isEqualTo(new InputFiles.Count(4, java.util.List.of()));
    }

    @Test
    void aDirectoryMixingFormatsMustSayWhichToRead() throws IOException {
        write("a.jsonl", "{}\n");
        write("b.avro", "");
        assertThatThrownBy(() -> InputFiles.resolve(new Path(dir.toUri()), RecordFormat.AUTO))
                .hasMessageContaining("holds both Avro and JSONL files; set input.format");
        assertThat(InputFiles.resolve(new Path(dir.toUri()), RecordFormat.AVRO)).isEqualTo(RecordFormat.AVRO);
    }

    @Test
    void aFileIsReadWhateverItsNameAndByItsExtensionForAuto() throws IOException {
        write("items.txt", "{}\n");
        Path file = new Path(dir.resolve("items.txt").toUri());
        assertThat(InputFiles.list(file, RecordFormat.JSONL)).extracting(FileStatus::getLen).containsExactly(3L);
        assertThat(InputFiles.resolve(new Path("/x/y.AVRO"), RecordFormat.JSONL)).isEqualTo(RecordFormat.JSONL);
    }

    @Test
    void anOutputIsReadBackWhenItLiesUnderTheInputOutsideHiddenDirectories() {
        assertThat(InputFiles.readsFrom(new Path("/data/in"), new Path("/data/in/out"))).isTrue();
        assertThat(InputFiles.readsFrom(new Path("/data/in"), new Path("/data/in"))).isTrue();
        assertThat(InputFiles.readsFrom(new Path("/data/in"), new Path("/data/in/.out"))).isFalse();
        assertThat(InputFiles.readsFrom(new Path("/data/in"), new Path("/data/input"))).isFalse();
    }

    @Test
    void namesAreLocalPathsOrUris() {
        assertThat(InputFiles.displayName(new Path("file:///data/a.jsonl"))).isEqualTo("/data/a.jsonl");
        assertThat(InputFiles.displayName(new Path("s3://bucket/a.jsonl"))).isEqualTo("s3://bucket/a.jsonl");
        assertThat(InputFiles.accepts("A.JSONL", RecordFormat.JSONL)).isTrue();
        assertThat(InputFiles.accepts("_a.avro", RecordFormat.AVRO)).isFalse();
    }

    private void write(String name, String text) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
