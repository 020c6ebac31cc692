package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.jobs.JobFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, defect 4: a cut-off or damaged Avro input is never read as fewer records in silence.
 * What can be read is; each stretch that cannot is a {@link AvroRequestFile.Damaged} item naming its
 * bytes; reading goes on after a damaged block; the client's count sees the same items.
 */
class AvroRequestFileTest {
    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    private record Read(List<String> ids, List<AvroRequestFile.Damaged> damage) {}

    private static Read read(Path file) throws IOException {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        List<String> ids = new ArrayList<>();
        List<AvroRequestFile.Damaged> damage = new ArrayList<>();
        try (AvroRequestFile records = AvroRequestFile.open(path.getFileSystem().open(path), Files.size(file),
                file.toString())) {
            for (AvroRequestFile.Item item = records.next(); item != null; item = records.next()) {
                if (item instanceof AvroRequestFile.Record record) {
                    ids.add(record.request().getId());
                } else {
                    damage.add((AvroRequestFile.Damaged) item);
                }
            }
        }
        InputFiles.Count count = InputFiles.count(InputFiles.list(path, RecordFormat.AVRO), RecordFormat.AVRO);
        assertThat(count.records()).as("the client counts what the job reads").isEqualTo(ids.size() + damage.size());
        assertThat(count.damage()).hasSize(damage.size());
        return new Read(ids, damage);
    }

    private Path whole() throws IOException {
        Path file = dir.resolve("requests.avro");
        JobFixtures.writeAvroRequests(file, RECORDS);
        return file;
    }

    @Test
    void aWholeFileIsReadWhole() throws IOException {
        Read read = read(whole());
        assertThat(read.ids()).hasSize(RECORDS).startsWith("r0").endsWith("r" + (RECORDS - 1));
        assertThat(read.damage()).isEmpty();
    }

    @Test
    void aFileCutInsideABlockKeepsTheWholeBlocksAndNamesTheLostBytes() throws IOException {
        Path file = whole();
        long length = Files.size(file);
        for (long cut : new long[] {length - 1, length - 20, length * 3 / 4}) {
            truncate(file, cut);
            Read read = read(file);
            assertThat(read.ids()).as("cut at %d", cut).isNotEmpty().hasSizeLessThan(RECORDS);
            assertThat(read.ids()).isEqualTo(read.ids().stream().sorted((a, b) -> Integer.compare(
                    Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)))).toList());
            assertThat(read.damage()).singleElement().satisfies(damage -> {
                assertThat(damage.to()).isEqualTo(cut);
                assertThat(damage.length()).isEqualTo(cut);
                assertThat(damage.from()).isLessThan(cut);
                assertThat(damage.describe()).contains("bytes " + damage.from() + " to " + cut + " of " + cut)
                        .contains("cut off").contains("copy the file again");
            });
        }
    }

    @Test
    void aFileCutInsideItsHeaderIsOneDamagedStretchNotAnEmptyFile() throws IOException {
        Path file = whole();
        truncate(file, 200);
        Read read = read(file);
        assertThat(read.ids()).isEmpty();
        assertThat(read.damage()).singleElement().satisfies(damage -> {
            assertThat(damage.from()).isZero();
            assertThat(damage.to()).isEqualTo(200);
            assertThat(damage.describe()).contains("ends inside its Avro header").doesNotContain("null");
        });
    }

    @Test
    void aDamagedBlockInTheMiddleIsSkippedAndTheBlocksAfterItAreRead() throws IOException {
        Path file = whole();
        long length = Files.size(file);
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] garbage = new byte[40];
            Arrays.fill(garbage, (byte) 0x55);
            bytes.seek(length * 2 / 3);
            bytes.write(garbage);
        }
        Read read = read(file);
        assertThat(read.damage()).singleElement().satisfies(damage -> {
            assertThat(damage.from()).isLessThanOrEqualTo(length * 2 / 3);
            assertThat(damage.to()).isGreaterThan(length * 2 / 3 + 40).isLessThan(length);
        });
        assertThat(read.ids()).as("the last block is read").contains("r" + (RECORDS - 1));
        assertThat(read.ids()).hasSizeLessThan(RECORDS).hasSizeGreaterThan(RECORDS * 3 / 5);
    }

    @Test
    void aFileThatIsNoAvroContainerIsRefusedNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("text.avro"), "not Avro at all");
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        assertThatThrownBy(() -> AvroRequestFile.open(path.getFileSystem().open(path), Files.size(file),
                file.toString())).isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("not an Avro container file");
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            bytes.setLength(length);
        }
    }
}
