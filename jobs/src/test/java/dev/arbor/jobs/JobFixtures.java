package dev.arbor.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.RecordFormat;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.arbor.flink.records.PromptRequest;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Shared by the job tests: the TINY synthetic model (written once per test JVM), a small and fast
 * job configuration, a MiniCluster, and readers of committed output files (hidden in-progress
 * files are skipped, as any reader of a FileSink's output must).
 */
public final class JobFixtures {
    private static Path model;

    private JobFixtures() {}

    /** A MiniCluster for one test class: one TaskManager with two slots. */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }

    /** The TINY synthetic model, written by the first test that asks for it. */
    public static synchronized Path model() {
        if (model == null) {
            try {
                Path dir = Files.createTempDirectory("arbor-jobs-test-model");
                Path file = dir.resolve("tiny.gguf");
                SyntheticModel.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 7);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                model = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** Overrides for a small, fast job on the TINY model: 4 new tokens, width 2, small context. */
    public static Map<String, String> small(Path input, Path output) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("model.path", model().toString());
        overrides.put("context.n-ctx", "512");
        overrides.put("context.n-seq-max", "8");
        overrides.put("context.threads", "1");
        overrides.put("search.width", "2");
        overrides.put("search.max-new-tokens", "4");
        overrides.put("job.progress-interval", "200 ms");
        overrides.put("input.path", input.toString());
        overrides.put("output.path", output.toString());
        return overrides;
    }

    public static Configuration config(Map<String, String> overrides) {
        return new ConfigLoader().load(null, overrides);
    }

    public static void write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** Writes a file under a hidden name and renames it into place, as a watched directory needs. */
    public static void writeAtomically(Path dir, String name, String... lines) throws IOException {
        Path hidden = dir.resolve("." + name + ".tmp");
        write(hidden, lines);
        Files.move(hidden, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes {@code count} PromptRequests ("r0", "r1", ...) as an Avro container file in small blocks
     * (a sync marker about every 512 bytes), so that a cut or a damaged stretch hits a block.
     */
    public static void writeAvroRequests(Path file, int count) throws IOException {
        Files.createDirectories(file.getParent());
        try (DataFileWriter<PromptRequest> writer = new DataFileWriter<>(new SpecificDatumWriter<>(PromptRequest.class))) {
            writer.setSyncInterval(512);
            writer.create(PromptRequest.getClassSchema(), file.toFile());
            for (int i = 0; i < count; i++) {
                writer.append(PromptRequest.newBuilder().setId("r" + i).setPrompt("Once upon a time " + i).build());
            }
        }
    }

    /** Every JSON line of the committed *.jsonl files under {@code dir}. */
    public static List<JsonNode> readJsonLines(Path dir) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        for (FileStatus file : InputFiles.list(new org.apache.flink.core.fs.Path(dir.toUri()), RecordFormat.JSONL)) {
            for (String line : Files.readAllLines(Path.of(file.getPath().toUri()), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    records.add(JsonLines.MAPPER.readTree(line));
                }
            }
        }
        return records;
    }

    /** Every record of the committed *.avro files under {@code dir}. */
    public static List<SearchResult> readAvro(Path dir) throws IOException {
        List<SearchResult> records = new ArrayList<>();
        for (FileStatus file : InputFiles.list(new org.apache.flink.core.fs.Path(dir.toUri()), RecordFormat.AVRO)) {
            try (DataFileReader<SearchResult> reader = new DataFileReader<>(
                    Path.of(file.getPath().toUri()).toFile(), new SpecificDatumReader<>(SearchResult.class))) {
                reader.forEach(records::add);
            }
        }
        return records;
    }
}
