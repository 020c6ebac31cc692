package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arbor never deletes a file it did not write; an earlier run's outputs stay unless overwritten. */
class OutputLayoutTest {
    @TempDir
    java.nio.file.Path dir;

    private OutputLayout layout() {
        return new OutputLayout(new Path(dir.toUri()), List.of(OutputLayout.Entry.parts("jsonl", "results", ".jsonl"),
                OutputLayout.Entry.file("summary.json"), OutputLayout.Entry.state("state")));
    }

    @Test
    void partFilesAreArborsAndCommittedOnesAreNotHidden() {
        OutputLayout.Entry parts = OutputLayout.Entry.parts("jsonl", "results", ".jsonl");
        assertThat(parts.owns("results-1a2b-0.jsonl")).isTrue();
        assertThat(parts.isCommittedPart("results-1a2b-0.jsonl")).isTrue();
        assertThat(parts.owns(".results-1a2b-0.jsonl.inprogress.77")).isTrue();
        assertThat(parts.isCommittedPart(".results-1a2b-0.jsonl.inprogress.77")).isFalse();
        assertThat(parts.owns("mine.jsonl")).isFalse();
    }

    @Test
    void anEarlierRunIsRefusedThenOverwrittenKeepingOtherFiles() throws IOException {
        write("jsonl/results-x-0.jsonl");
        write("jsonl/notes.txt");
        write("summary.json");
        write("state/chk-1/_metadata");
        OutputLayout layout = layout();
        assertThat(layout.hasEarlierOutputs()).isTrue();
        assertThat(layout.committedParts("jsonl")).extracting(Path::getName).containsExactly("results-x-0.jsonl");
        assertThatThrownBy(() -> layout.prepare(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("already holds the outputs of an earlier run (3 files in jsonl/, summary.json, "
                        + "state)");
        layout.prepare(true);
        assertThat(layout.hasEarlierOutputs()).isFalse();
        assertThat(dir.resolve("jsonl/notes.txt")).exists();
        assertThat(dir.resolve("summary.json")).doesNotExist();
    }

    @Test
    void aFileInThePlaceOfTheDirectoryIsRefused() throws IOException {
        Files.writeString(dir.resolve("out"), "x");
        OutputLayout layout = new OutputLayout(new Path(dir.resolve("out").toUri()), List.of());
        assertThatThrownBy(() -> layout.prepare(false)).hasMessageContaining("is a file, not a directory");
        assertThatThrownBy(layout::prepareToResume).hasMessageContaining("is a file, not a directory");
    }

    private void write(String name) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
    }
}
