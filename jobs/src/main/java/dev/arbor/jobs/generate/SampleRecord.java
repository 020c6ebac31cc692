package dev.arbor.jobs.generate;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.jobs.io.OutputLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.fs.Path;

/**
 * The first result record of a finished generate job, pretty-printed to show users what the
 * output looks like. For reading on a terminal it is abbreviated, and says so: arrays of numbers
 * show their first {@link #SHOWN} items, and the losing candidates show only text, score and rank
 * (the winner, which is also candidate 0, is shown in full).
 *
 * @param source the file (and line) it was read from
 * @param json the record as indented JSON
 */
@Internal
public record SampleRecord(String source, String json) {

    /** The first record of the JSONL results, else of the Avro results; empty when there is none. */
    public static Optional<SampleRecord> first(OutputLayout output, List<OutputFormat> formats) {
        try {
            if (formats.contains(OutputFormat.JSONL)) {
                for (Path file : output.committedParts(GenerateJob.JSONL)) {
                    try (InputStream in = open(file);
                            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line = reader.readLine();
                        if (line != null) {
                            return Optional.of(new SampleRecord(name(file) + ", line 1, long arrays shortened",
                                    pretty(abbreviate(JsonLines.MAPPER.readTree(line)))));
                        }
                    }
                }
            } else {
                for (Path file : output.committedParts(GenerateJob.AVRO)) {
                    try (DataFileStream<SearchResult> records = new DataFileStream<>(open(file),
                            new SpecificDatumReader<>(SearchResult.class))) {
                        if (records.hasNext()) {
                            return Optional.of(new SampleRecord(name(file)
                                    + ", record 1 shown as JSON, long arrays shortened",
                                    pretty(abbreviate(AvroJson.toJson(records.next())))));
                        }
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // an example is a nicety; the summary already names the files
        }
        return Optional.empty();
    }

    private static InputStream open(Path path) throws IOException {
        return path.getFileSystem().open(path);
    }

    private static String name(Path file) {
        return InputFiles.consoleName(file);
    }

    /** Items of a number array shown. */
    static final int SHOWN = 6;

    /** A copy of {@code record} shortened as the class comment says. */
    static JsonNode abbreviate(JsonNode record) {
        JsonNode copy = record.deepCopy();
        shorten(copy);
        JsonNode candidates = copy.get("candidates");
        if (candidates instanceof ArrayNode array && array.size() > 0) {
            ArrayNode brief = JsonLines.MAPPER.createArrayNode();
            for (JsonNode candidate : array) {
                ObjectNode item = brief.addObject();
                item.set("rank", candidate.get("rank"));
                item.set("text", candidate.get("text"));
                item.set("score", candidate.get("score"));
            }
            ((ObjectNode) copy).set("candidates", brief);
        }
        return copy;
    }

    private static void shorten(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (value instanceof ArrayNode array && array.size() > SHOWN + 1 && array.get(0).isNumber()) {
                    ArrayNode shortened = JsonLines.MAPPER.createArrayNode();
                    for (int i = 0; i < SHOWN; i++) {
                        shortened.add(array.get(i));
                    }
                    shortened.add("... " + (array.size() - SHOWN) + " more");
                    field.setValue(shortened);
                } else {
                    shorten(value);
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(SampleRecord::shorten);
        }
    }

    static String pretty(JsonNode node) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        return JsonLines.MAPPER.writer(printer).writeValueAsString(node);
    }
}
