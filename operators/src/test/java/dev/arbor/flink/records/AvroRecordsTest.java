package dev.arbor.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Avro records: round trips, builder defaults, and schema evolution in both directions. */
class AvroRecordsTest {

    @TempDir File tmp;

    // ---------------------------------------------------------------- fixtures

    static PromptRequest fullRequest() {
        return PromptRequest.newBuilder()
                .setId("req-1")
                .setPrompt("Once upon a time")
                .setStrategy(Strategy.BEST_OF_N)
                .setWidth(4)
                .setMaxNewTokens(64)
                .setTemperature(0.7f)
                .setTopK(40)
                .setTopP(0.95f)
                .setMinP(0.05f)
                .setRepeatPenalty(1.1f)
                .setRepeatLastN(64)
                .setFrequencyPenalty(0.2f)
                .setPresencePenalty(0.3f)
                .setSeed(1234567890123L)
                .setLengthPenalty(0.6)
                .setStop(List.of("\n\n", "THE END"))
                .setStopAtEndOfGeneration(false)
                .setReturnCandidates(true)
                .setMetadata(Map.of("source", "unit-test", "split", "train"))
                .setReference(" there was a king")
                .setPrefixKey("system-prompt-a")
                .build();
    }

    static Candidate candidate(int rank, FinishReason reason) {
        return Candidate.newBuilder()
                .setText(" there was a tree #" + rank)
                .setTokens(List.of(11, 22, 33 + rank))
                .setTokenLogprobs(List.of(-0.5f, -1.25f, -0.125f * (rank + 1)))
                .setSumLogprob(-1.875 - rank)
                .setScore(-0.9 - rank)
                .setFinishReason(reason)
                .setRank(rank)
                .build();
    }

    static SearchStats stats() {
        return SearchStats.newBuilder()
                .setPromptTokens(5)
                .setGeneratedTokens(120)
                .setDecodeSteps(31)
                .setPeakLeases(4)
                .setPeakKvCells(613)
                .setQueuedMs(12L)
                .setRunMs(3456789012L)
                .setCachedPromptTokens(3)
                .build();
    }

    static SearchError error() {
        return SearchError.newBuilder().setCode("PROMPT_TOO_LONG").setMessage("4097 tokens > 4096").build();
    }

    static SearchResult fullResult() {
        Candidate winner = candidate(0, FinishReason.EOG);
        return SearchResult.newBuilder()
                .setId("req-1")
                .setPrompt("Once upon a time")
                .setWinner(winner)
                .setCandidates(List.of(winner, candidate(1, FinishReason.STOP), candidate(2, FinishReason.LENGTH)))
                .setStats(stats())
                .setError(error())
                .setMetadata(Map.of("source", "unit-test"))
                .setReferenceLogprob(-3.25)
                .setReferencePerplexity(2.5)
                .build();
    }

    static Stream<Arguments> everyRecordType() {
        return Stream.of(fullRequest(), candidate(1, FinishReason.STOP), stats(), error(), fullResult())
                .map(r -> Arguments.of(Named.of(r.getSchema().getName(), r)));
    }

    static Stream<Arguments> everySchema() {
        return Stream.of(
                        PromptRequest.getClassSchema(),
                        Candidate.getClassSchema(),
                        SearchStats.getClassSchema(),
                        SearchError.getClassSchema(),
                        SearchResult.getClassSchema())
                .map(s -> Arguments.of(Named.of(s.getName(), s)));
    }

    static Schema promptRequestV0() throws IOException {
        try (InputStream in = AvroRecordsTest.class.getResourceAsStream("/avro/PromptRequest-v0.avsc")) {
            assertThat(in).as("test resource avro/PromptRequest-v0.avsc").isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    /** A copy of {@code schema} without the named field: what an older version of it looked like. */
    static Schema withoutField(Schema schema, String fieldName) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!f.name().equals(fieldName)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        assertThat(fields).hasSize(schema.getFields().size() - 1);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    // ---------------------------------------------------------------- helpers

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecordBase> T viaBytes(T record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
        encoder.flush();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        T read = new SpecificDatumReader<T>((Class<T>) record.getClass()).read(null, decoder);
        assertThat(decoder.isEnd()).as("all bytes consumed").isTrue();
        return read;
    }

    @SuppressWarnings("unchecked")
    <T extends SpecificRecordBase> List<T> viaContainerFile(List<T> records) throws IOException {
        File file = new File(tmp, records.get(0).getSchema().getName() + ".avro");
        Schema schema = records.get(0).getSchema();
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<T>(schema))) {
            writer.create(schema, file);
            for (T r : records) {
                writer.append(r);
            }
        }
        List<T> read = new ArrayList<>();
        try (DataFileReader<T> reader =
                new DataFileReader<>(file, new SpecificDatumReader<T>((Class<T>) records.get(0).getClass()))) {
            assertThat(reader.getSchema()).isEqualTo(schema);
            reader.forEach(read::add);
        }
        return read;
    }

    // ---------------------------------------------------------------- round trips

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void roundTripsThroughBinaryEncoding(SpecificRecordBase record) throws IOException {
        SpecificRecordBase read = viaBytes(record);
        assertThat(read).isNotSameAs(record).isInstanceOf(record.getClass()).isEqualTo(record);
        assertThat(read.toString()).isEqualTo(record.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void roundTripsThroughContainerFile(SpecificRecordBase record) throws IOException {
        List<SpecificRecordBase> read = viaContainerFile(List.of(record, record));
        assertThat(read).containsExactly(record, record);
    }

    @Test
    void fullyPopulatedRecordsKeepEveryValue() throws IOException {
        PromptRequest request = viaBytes(fullRequest());
        assertThat(request.getStrategy()).isEqualTo(Strategy.BEST_OF_N);
        assertThat(request.getSeed()).isEqualTo(1234567890123L);
        assertThat(request.getLengthPenalty()).isEqualTo(0.6);
        assertThat(request.getPresencePenalty()).isEqualTo(0.3f);
        assertThat(request.getStop()).containsExactly("\n\n", "THE END");
        assertThat(request.getStopAtEndOfGeneration()).isFalse();
        assertThat(request.getReference()).isEqualTo(" there was a king");
        assertThat(request.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("source", "unit-test", "split", "train"));
        // stringType String: strings come back as java.lang.String, not Utf8
        assertThat(request.getMetadata().keySet()).allMatch(k -> k instanceof String);
        assertThat(request.getStop()).allMatch(s -> s instanceof String);

        SearchResult result = viaContainerFile(List.of(fullResult())).get(0);
        assertThat(result.getWinner().getRank()).isZero();
        assertThat(result.getWinner().getFinishReason()).isEqualTo(FinishReason.EOG);
        assertThat(result.getCandidates()).extracting(Candidate::getRank).containsExactly(0, 1, 2);
        assertThat(result.getCandidates())
                .extracting(Candidate::getFinishReason)
                .containsExactly(FinishReason.EOG, FinishReason.STOP, FinishReason.LENGTH);
        assertThat(result.getCandidates().get(2).getTokenLogprobs()).containsExactly(-0.5f, -1.25f, -0.375f);
        assertThat(result.getStats().getRunMs()).isEqualTo(3456789012L);
        assertThat(result.getError().getCode()).isEqualTo("PROMPT_TOO_LONG");
        assertThat(result.getReferenceLogprob()).isEqualTo(-3.25);
        assertThat(result.getReferencePerplexity()).isEqualTo(2.5);
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void promptRequestWithOnlyTheIdGetsTheDocumentedDefaults() throws IOException {
        PromptRequest request = PromptRequest.newBuilder().setId("bare").build();
        assertThat(request.getId()).isEqualTo("bare");
        assertThat(request.getPrompt()).isNull();
        assertThat(request.getStrategy()).isNull();
        assertThat(request.getWidth()).isNull();
        assertThat(request.getMaxNewTokens()).isNull();
        assertThat(request.getTemperature()).isNull();
        assertThat(request.getTopK()).isNull();
        assertThat(request.getTopP()).isNull();
        assertThat(request.getMinP()).isNull();
        assertThat(request.getRepeatPenalty()).isNull();
        assertThat(request.getRepeatLastN()).isNull();
        assertThat(request.getFrequencyPenalty()).isNull();
        assertThat(request.getPresencePenalty()).isNull();
        assertThat(request.getSeed()).isNull();
        assertThat(request.getLengthPenalty()).isNull();
        assertThat(request.getStop()).isNull();
        assertThat(request.getStopAtEndOfGeneration()).isNull();
        assertThat(request.getReturnCandidates()).isNull();
        assertThat(request.getMetadata()).isNotNull().isEmpty();
        assertThat(request.getReference()).isNull();
        // and it serializes as is
        assertThat(viaBytes(request)).isEqualTo(request);
    }

    @Test
    void searchResultWithOnlyTheIdGetsTheDocumentedDefaults() throws IOException {
        SearchResult result = SearchResult.newBuilder().setId("bare").build();
        assertThat(result.getId()).isEqualTo("bare");
        assertThat(result.getPrompt()).isNull();
        assertThat(result.getWinner()).isNull();
        assertThat(result.getCandidates()).isNotNull().isEmpty();
        assertThat(result.getStats()).isNull();
        assertThat(result.getError()).isNull();
        assertThat(result.getMetadata()).isNotNull().isEmpty();
        assertThat(result.getReferenceLogprob()).isNull();
        assertThat(result.getReferencePerplexity()).isNull();
        assertThat(viaContainerFile(List.of(result))).containsExactly(result);
    }

    @Test
    void builderDefaultsAreFreshPerRecord() {
        SearchResult a = SearchResult.newBuilder().setId("a").build();
        SearchResult b = SearchResult.newBuilder().setId("b").build();
        a.getMetadata().put("k", "v");
        a.getCandidates().add(candidate(0, FinishReason.EOG));
        assertThat(b.getMetadata()).isEmpty();
        assertThat(b.getCandidates()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySchema")
    void everySchemaAndFieldIsDocumentedAndEveryOptionalFieldHasADefault(Schema schema) {
        assertThat(schema.getNamespace()).isEqualTo("dev.arbor.flink.records");
        assertThat(schema.getDoc()).as("doc of %s", schema.getName()).isNotBlank();
        for (Schema.Field f : schema.getFields()) {
            assertThat(f.doc()).as("doc of %s.%s", schema.getName(), f.name()).isNotBlank();
            Schema type = f.schema();
            if (type.isUnion()) {
                assertThat(type.getTypes().get(0).getType())
                        .as("%s.%s: null comes first in the union", schema.getName(), f.name())
                        .isEqualTo(Schema.Type.NULL);
                assertThat(f.hasDefaultValue()).as("%s.%s has a default", schema.getName(), f.name()).isTrue();
                assertThat(f.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
            }
            if (f.hasDefaultValue() && (type.getType() == Schema.Type.ARRAY || type.getType() == Schema.Type.MAP)) {
                assertThat((Iterable<?>) (type.getType() == Schema.Type.ARRAY
                                ? (List<?>) f.defaultVal()
                                : ((Map<?, ?>) f.defaultVal()).entrySet()))
                        .as("%s.%s defaults to empty", schema.getName(), f.name())
                        .isEmpty();
            }
        }
        // The documented contract: in the top-level records everything but the id is optional.
        if (schema.getName().equals("PromptRequest") || schema.getName().equals("SearchResult")) {
            assertThat(schema.getDoc()).contains("default");
            for (Schema.Field f : schema.getFields()) {
                assertThat(f.hasDefaultValue())
                        .as("%s.%s has a default", schema.getName(), f.name())
                        .isEqualTo(!f.name().equals("id"));
            }
        }
    }

    @Test
    void enumsHaveTheDocumentedSymbols() {
        assertThat(Strategy.values()).extracting(Enum::name).containsExactly("BEAM", "BEST_OF_N");
        assertThat(FinishReason.values()).extracting(Enum::name).containsExactly("EOG", "STOP", "LENGTH", "BUDGET");
        assertThat(FinishReason.getClassSchema().getEnumDefault())
                .as("readers take a finish reason they do not know for LENGTH").isEqualTo("LENGTH");
        assertThat(SearchError.getClassSchema().getField("code").schema().getType())
                .as("error code is a string so that new codes never break old readers")
                .isEqualTo(Schema.Type.STRING);
        assertThat(SearchError.getClassSchema().getField("code").doc())
                .contains("EMPTY_PROMPT", "PROMPT_TOO_LONG", "WIDTH_TOO_LARGE", "INVALID_PARAMS", "INVALID_TEXT",
                        "TIMEOUT", "CANCELLED", "FAILED");
    }

    // ---------------------------------------------------------------- schema evolution

    @Test
    void theOldSchemaFixtureReallyIsOlder() throws IOException {
        Schema v0 = promptRequestV0();
        assertThat(v0.getFullName()).isEqualTo(PromptRequest.getClassSchema().getFullName());
        assertThat(v0.getField("lengthPenalty")).isNull();
        assertThat(v0.getField("presencePenalty")).isNull();
        assertThat(v0.getField("reference")).isNull();
        assertThat(v0.getField("nullMetadataKeys")).isNull(); // added by issue 10
        assertThat(v0.getField("strategyName")).isNull(); // added by issue 11
        assertThat(v0.getField("messages")).isNull(); // added by issue 12, with grammar and jsonSchema
        assertThat(v0.getField("jsonSchema")).isNull();
        assertThat(v0.getField("prefixKey")).isNull(); // added by issue 13
        for (String stepLevel : List.of("scorer", "stepDelimiter", "maxStepTokens", "maxSteps", "expansions",
                "aggregation", "answerPattern")) {
            assertThat(v0.getField(stepLevel)).as(stepLevel).isNull(); // added by issue 24
        }
        assertThat(v0.getFields()).hasSize(PromptRequest.getClassSchema().getFields().size() - 16);
    }

    @Test
    void currentReaderReadsAFileWrittenWithTheOldSchema() throws IOException {
        Schema v0 = promptRequestV0();
        GenericRecord old = new GenericData.Record(v0);
        old.put("id", "old-1");
        old.put("prompt", "Hello");
        old.put("strategy", new GenericData.EnumSymbol(v0.getField("strategy").schema().getTypes().get(1), "BEAM"));
        old.put("width", 3);
        old.put("maxNewTokens", 16);
        old.put("temperature", 0.5f);
        old.put("seed", 42L);
        old.put("stop", List.of("."));
        old.put("returnCandidates", true);
        old.put("metadata", Map.of("k", "v"));

        File file = new File(tmp, "v0.avro");
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(v0))) {
            writer.create(v0, file);
            writer.append(old);
        }

        List<PromptRequest> read = new ArrayList<>();
        try (DataFileReader<PromptRequest> reader =
                new DataFileReader<>(file, new SpecificDatumReader<>(PromptRequest.class))) {
            assertThat(reader.getSchema().getField("lengthPenalty")).as("file carries the old schema").isNull();
            reader.forEach(read::add);
        }
        assertThat(read).hasSize(1);
        PromptRequest r = read.get(0);
        // fields the old writer did not know take their defaults
        assertThat(r.getLengthPenalty()).isNull();
        assertThat(r.getReference()).isNull();
        assertThat(r.getPresencePenalty()).isNull();
        // the rest survives
        PromptRequest expected = PromptRequest.newBuilder()
                .setId("old-1")
                .setPrompt("Hello")
                .setStrategy(Strategy.BEAM)
                .setWidth(3)
                .setMaxNewTokens(16)
                .setTemperature(0.5f)
                .setSeed(42L)
                .setStop(List.of("."))
                .setReturnCandidates(true)
                .setMetadata(Map.of("k", "v"))
                .build();
        assertThat(r).isEqualTo(expected);
    }

    @Test
    void oldReaderReadsAFileWrittenWithTheCurrentSchema() throws IOException {
        Schema v0 = promptRequestV0();
        PromptRequest current = fullRequest();
        File file = new File(tmp, "current.avro");
        try (DataFileWriter<PromptRequest> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(PromptRequest.class))) {
            writer.create(PromptRequest.getClassSchema(), file);
            writer.append(current);
        }

        List<GenericRecord> read = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(
                file, new GenericDatumReader<GenericRecord>(PromptRequest.getClassSchema(), v0))) {
            reader.forEach(read::add);
        }
        assertThat(read).hasSize(1);
        GenericRecord r = read.get(0);
        assertThat(r.getSchema()).isEqualTo(v0);
        assertThat(r.hasField("lengthPenalty")).isFalse();
        assertThat(r.hasField("presencePenalty")).isFalse();
        assertThat(r.hasField("reference")).isFalse();
        assertThat(r.get("id").toString()).isEqualTo("req-1");
        assertThat(r.get("prompt").toString()).isEqualTo("Once upon a time");
        assertThat(r.get("strategy").toString()).isEqualTo("BEST_OF_N");
        assertThat(r.get("width")).isEqualTo(4);
        assertThat(r.get("temperature")).isEqualTo(0.7f);
        assertThat(r.get("frequencyPenalty")).isEqualTo(0.2f);
        assertThat(r.get("seed")).isEqualTo(1234567890123L);
        assertThat((List<?>) r.get("stop")).extracting(Object::toString).containsExactly("\n\n", "THE END");
        assertThat(r.get("stopAtEndOfGeneration")).isEqualTo(false);
        assertThat(r.get("returnCandidates")).isEqualTo(true);
        assertThat(((Map<?, ?>) r.get("metadata")))
                .hasSize(2)
                .anySatisfy((k, v) -> {
                    assertThat(k.toString()).isEqualTo("split");
                    assertThat(v.toString()).isEqualTo("train");
                });
    }

    @Test
    void oldSearchResultReaderAndWriterInterworkWithTheCurrentOne() throws IOException {
        Schema current = SearchResult.getClassSchema();
        Schema old = withoutField(current, "prompt");
        SearchResult full = fullResult();

        // current -> old
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SearchResult>(current).write(full, encoder);
        encoder.flush();
        GenericRecord asOld = new GenericDatumReader<GenericRecord>(current, old)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(asOld.hasField("prompt")).isFalse();
        assertThat(asOld.get("id").toString()).isEqualTo("req-1");
        assertThat((List<?>) asOld.get("candidates")).hasSize(3);

        // old -> current: the prompt comes back as its default, everything else survives
        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(asOld, encoder);
        encoder.flush();
        SearchResult back = new SpecificDatumReader<SearchResult>(old, current)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back.getPrompt()).isNull();
        assertThat(back).isEqualTo(SearchResult.newBuilder(full).setPrompt(null).build());
    }

    @Test
    void promptRequestSchemasAreCompatibleBothWays() throws IOException {
        Schema current = PromptRequest.getClassSchema();
        Schema v0 = promptRequestV0();
        assertCompatible(current, v0);
        assertCompatible(v0, current);
    }

    @Test
    void searchResultSchemasAreCompatibleBothWays() {
        Schema current = SearchResult.getClassSchema();
        Schema old = withoutField(current, "prompt");
        assertCompatible(current, old);
        assertCompatible(old, current);
    }

    @Test
    void aReaderThatDoesNotKnowAFinishReasonReadsItAsTheDefault() throws IOException {
        // What a reader one symbol behind sees: BUDGET (added by issue 23) becomes LENGTH, the rest survives.
        Schema current = Candidate.getClassSchema();
        Schema behind = new Schema.Parser().parse(current.toString().replace(", \"BUDGET\"", "")
                .replace(",\"BUDGET\"", ""));
        assertThat(behind.getField("finishReason").schema().getEnumSymbols()).containsExactly("EOG", "STOP", "LENGTH");
        assertCompatible(behind, current);

        Candidate closed = Candidate.newBuilder(candidate(0, FinishReason.BUDGET)).setGrammarComplete(true).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Candidate>(current).write(closed, encoder);
        encoder.flush();
        GenericRecord read = new GenericDatumReader<GenericRecord>(current, behind)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.get("finishReason").toString()).isEqualTo("LENGTH");
        assertThat(read.get("grammarComplete")).isEqualTo(true);
        assertThat(read.get("text").toString()).isEqualTo(closed.getText());
    }

    @Test
    void aFieldAddedWithoutADefaultWouldBreakNewReadersOfOldFiles() throws IOException {
        // Control for the checks above: the compatibility check does catch a missing default.
        Schema current = PromptRequest.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("mandatoryNewField", Schema.create(Schema.Type.INT), "no default", (Object) null));
        Schema withoutDefault =
                Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withoutDefault, promptRequestV0())
                        .getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void aRequestFileWrittenBeforeTheReferenceFieldReadsWithNoReference() throws IOException {
        Schema current = PromptRequest.getClassSchema();
        Schema before = withoutField(current, "reference");
        PromptRequest full = fullRequest();
        GenericRecord old = new GenericData.Record(before);
        for (Schema.Field f : before.getFields()) {
            old.put(f.name(), full.get(f.name()));
        }
        // Strategy is a specific enum in the record; the generic writer wants a symbol of the schema.
        old.put("strategy", new GenericData.EnumSymbol(
                before.getField("strategy").schema().getTypes().get(1), full.getStrategy().name()));
        File file = new File(tmp, "before-reference.avro");
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(before))) {
            writer.create(before, file);
            writer.append(old);
        }
        List<PromptRequest> read = new ArrayList<>();
        try (DataFileReader<PromptRequest> reader =
                new DataFileReader<>(file, new SpecificDatumReader<>(PromptRequest.class))) {
            reader.forEach(read::add);
        }
        assertThat(read).containsExactly(PromptRequest.newBuilder(full).setReference(null).build());
        assertCompatible(current, before);
        assertCompatible(before, current);
    }

    @Test
    void resultsWrittenBeforeTheReferenceScoresReadWithNoScoresAndOldReadersSkipThem() throws IOException {
        Schema current = SearchResult.getClassSchema();
        Schema before = withoutField(withoutField(current, "referenceLogprob"), "referencePerplexity");
        SearchResult full = fullResult();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SearchResult>(current).write(full, encoder);
        encoder.flush();
        GenericRecord asOld = new GenericDatumReader<GenericRecord>(current, before)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(asOld.hasField("referenceLogprob")).isFalse();
        assertThat(asOld.get("id").toString()).isEqualTo("req-1");

        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(before).write(asOld, encoder);
        encoder.flush();
        SearchResult back = new SpecificDatumReader<SearchResult>(before, current)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back).isEqualTo(SearchResult.newBuilder(full).setReferenceLogprob(null)
                .setReferencePerplexity(null).build());
        assertCompatible(current, before);
        assertCompatible(before, current);
    }

    @Test
    void statsWrittenBeforeTheCachedPromptTokensReadAsZeroAndOldReadersSkipThem() throws IOException {
        Schema current = SearchStats.getClassSchema();
        Schema before = withoutField(current, "cachedPromptTokens");
        SearchStats full = stats();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SearchStats>(current).write(full, encoder);
        encoder.flush();
        GenericRecord asOld = new GenericDatumReader<GenericRecord>(current, before)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(asOld.hasField("cachedPromptTokens")).isFalse();
        assertThat(asOld.get("peakKvCells")).isEqualTo(613);

        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(before).write(asOld, encoder);
        encoder.flush();
        SearchStats back = new SpecificDatumReader<SearchStats>(before, current)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back).isEqualTo(SearchStats.newBuilder(full).setCachedPromptTokens(0).build());
        assertCompatible(current, before);
        assertCompatible(before, current);
    }

    static void assertCompatible(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(result.getType()).as(result.getDescription()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
}
