package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JSONL file's records carry their file and line, and a line that is not UTF-8 is a record all the same. */
class JsonLineFormatTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void eachNonBlankLineIsARecordWithItsOrigin() throws IOException {
        java.nio.file.Path file = dir.resolve("a.jsonl");
        Files.write(file, new byte[] {'{', '}', '\n', '\n', '{', (byte) 0xFF, '}', '\n', '{', '"'});
        assertThat(read(file)).containsExactly(InputRecord.ofText(Origin.file("/in/a.jsonl", 1), "{}", null),
                InputRecord.ofText(Origin.file("/in/a.jsonl", 3), "{\uFFFD}", "not valid UTF-8"),
                InputRecord.ofText(Origin.file("/in/a.jsonl", 4), "{\"", null));
    }

    private static List<InputRecord> read(java.nio.file.Path file) throws IOException {
        Path path = new Path(file.toUri());
        List<InputRecord> records = new ArrayList<>();
        try (FSDataInputStream in = path.getFileSystem().open(path)) {
            StreamFormat.Reader<InputRecord> reader = new JsonLineFormat("/in/a.jsonl")
                    .createReader(new Configuration(), in, Files.size(file), Files.size(file));
            for (InputRecord record = reader.read(); record != null; record = reader.read()) {
                records.add(record);
            }
        }
        return records;
    }
}
