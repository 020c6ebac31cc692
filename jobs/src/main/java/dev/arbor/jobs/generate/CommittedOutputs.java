package dev.arbor.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.jobs.io.OutputLayout;
import dev.arbor.jobs.io.RejectedRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.fs.Path;

/**
 * What a finished generate job committed, counted from its output files. The FileSinks commit
 * exactly once, even across restarts, while accumulators only hold what the last attempt of each
 * task saw; so the summary counts files, and accumulators serve the live progress line only.
 * Records whose id an earlier record already had are counted ({@link #duplicateIds}): ids seed
 * the sampling, so such records get the same samples, and readers keyed by id see one of them.
 * Only Arbor's committed part files are read: files still in progress (hidden, with a leading
 * dot) and files someone else put into the directories are not counted. Rejections are counted by
 * kind (invalid records, damaged input, search errors) and by code, with the first reason of each
 * code, so the summary can say why a run produced nothing.
 */
record CommittedOutputs(long results, long invalid, long searchErrors, long damaged, long generatedTokens,
        long promptTokens, long cachedPromptTokens, long pairs, long duplicateIds, Map<String, Long> rejectedByCode,
        Map<String, String> firstReasons) {

    static CommittedOutputs read(GenerateJob.Plan plan) throws IOException {
        long results = 0;
        long tokens = 0;
        long prompt = 0;
        long cached = 0;
        Set<String> ids = new HashSet<>();
        long duplicates = 0;
        if (plan.formats().contains(OutputFormat.JSONL)) {
            for (String line : lines(plan.output(), GenerateJob.JSONL)) {
                results++;
                JsonNode result = JsonLines.MAPPER.readTree(line);
                JsonNode stats = result.path("stats");
                tokens += stats.path("generatedTokens").asLong(0);
                prompt += stats.path("promptTokens").asLong(0);
                cached += stats.path("cachedPromptTokens").asLong(0);
                duplicates += ids.add(result.path("id").asText()) ? 0 : 1;
            }
        } else {
            for (Path file : plan.output().committedParts(GenerateJob.AVRO)) {
                try (InputStream in = file.getFileSystem().open(file);
                        DataFileStream<SearchResult> records = new DataFileStream<>(in,
                                new SpecificDatumReader<>(SearchResult.class))) {
                    for (SearchResult result : records) {
                        results++;
                        duplicates += ids.add(result.getId()) ? 0 : 1;
                        if (result.getStats() != null) {
                            tokens += result.getStats().getGeneratedTokens();
                            prompt += result.getStats().getPromptTokens();
                            cached += result.getStats().getCachedPromptTokens();
                        }
                    }
                }
            }
        }
        long invalid = 0;
        long searchErrors = 0;
        long damaged = 0;
        Map<String, Long> byCode = new TreeMap<>();
        Map<String, String> firstReasons = new TreeMap<>();
        for (String line : lines(plan.output(), GenerateJob.REJECTED)) {
            JsonNode rejected = JsonLines.MAPPER.readTree(line);
            if (rejected.path("id").isTextual()) {
                duplicates += ids.add(rejected.path("id").asText()) ? 0 : 1;
            }
            String code = rejected.path("code").asText();
            switch (code) {
                case RejectedRecord.INVALID -> invalid++;
                case RejectedRecord.DAMAGED -> damaged++;
                default -> searchErrors++;
            }
            byCode.merge(code, 1L, Long::sum);
            firstReasons.putIfAbsent(code, rejected.path("reason").asText());
        }
        long pairs = plan.pairs() ? lines(plan.output(), GenerateJob.PAIRS).size() : 0;
        return new CommittedOutputs(results, invalid, searchErrors, damaged, tokens, prompt, cached, pairs, duplicates,
                byCode, firstReasons);
    }

    private static List<String> lines(OutputLayout output, String entry) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path file : output.committedParts(entry)) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.getFileSystem().open(file),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }
}
