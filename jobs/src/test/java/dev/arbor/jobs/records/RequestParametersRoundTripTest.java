package dev.arbor.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.RecordMapping;
import dev.arbor.flink.RequestParameter;
import dev.arbor.flink.RequestParameters;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.sql.SqlOptions;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks the table of request parameters ({@link RequestParameters}) and sends a value that is not
 * the default through every way of setting each one: a JSONL line becomes a {@link PromptRequest}
 * (the Avro field holds the value) and then a {@link SearchRequest} (the value reaches the engine's
 * builder), and a SQL key reaches the operator's option, in a model's options and in a query's.
 *
 * <p>Where a value lands in the {@link SearchRequest} is written here independently of the table
 * ({@link #PROBES}), so that a descriptor that sets the wrong builder method fails; a parameter added
 * to the table without a probe fails too.
 */
class RequestParametersRoundTripTest {
    /** A value other than the default, and where the engine's request holds it. */
    private record Probe(Object value, Function<SearchRequest, Object> inRequest) {}

    private static final Map<String, Probe> PROBES = Map.ofEntries(
            Map.entry("strategy", new Probe(SearchStrategy.BEST_OF_N.name(), r -> r.strategy().name())),
            Map.entry("width", new Probe(5, SearchRequest::width)),
            Map.entry("maxNewTokens", new Probe(65, SearchRequest::maxNewTokens)),
            Map.entry("lengthPenalty", new Probe(0.5, SearchRequest::lengthPenalty)),
            Map.entry("stop", new Probe(List.of("</s>", "###"), SearchRequest::stop)),
            Map.entry("stopAtEndOfGeneration", new Probe(false, SearchRequest::stopAtEndOfGeneration)),
            Map.entry("returnCandidates", new Probe(true, SearchRequest::returnCandidates)),
            Map.entry("seed", new Probe(7L, SearchRequest::seed)),
            Map.entry("temperature", new Probe(0.5f, r -> r.sampler().temperature())),
            Map.entry("topK", new Probe(20, r -> r.sampler().topK())),
            Map.entry("topP", new Probe(0.75f, r -> r.sampler().topP())),
            Map.entry("minP", new Probe(0.125f, r -> r.sampler().minP())),
            Map.entry("repeatPenalty", new Probe(1.25f, r -> r.sampler().repeatPenalty())),
            Map.entry("repeatLastN", new Probe(32, r -> r.sampler().repeatLastN())),
            Map.entry("frequencyPenalty", new Probe(0.25f, r -> r.sampler().frequencyPenalty())),
            Map.entry("presencePenalty", new Probe(0.5f, r -> r.sampler().presencePenalty())),
            Map.entry("scorer", new Probe("judge", RequestParametersRoundTripTest::scorerName)),
            Map.entry("stepDelimiter", new Probe("\n---\n", r -> r.steps().delimiter())),
            Map.entry("maxStepTokens", new Probe(33, r -> r.steps().maxStepTokens())),
            Map.entry("maxSteps", new Probe(5, r -> r.steps().maxSteps())),
            Map.entry("expansions", new Probe(3, r -> r.steps().expansions())),
            Map.entry("aggregation", new Probe("min", r -> r.verifier().aggregation().name().toLowerCase())),
            Map.entry("answerPattern", new Probe("Answer: (\\d+)", SearchRequest::answerPattern)),
            Map.entry("judgeQuestion", new Probe(" Right?", r -> r.verifier().question())),
            Map.entry("timeout", new Probe(Duration.ofSeconds(90), SearchRequest::timeout)));

    /** What scores the request, by the name a record gives it. */
    private static Object scorerName(SearchRequest request) {
        return switch (request.verifier().kind()) {
            case PRM -> "prm";
            case JUDGE -> "judge";
            case SCORER -> request.scorer() == dev.arbor.search.Scorer.MEAN_LOGPROB ? "logprob"
                    : request.scorer() == dev.arbor.search.Scorer.SUM_LOGPROB ? "logprob_sum"
                    : request.scorer().getClass().getName();
        };
    }

    private static final ArborConfig DEFAULTS = ArborConfig.builder().modelPath("/m.gguf").build();
    private final PromptLineParser parser = new PromptLineParser(PromptLineParser.Mode.GENERATE);

    static Stream<RequestParameter<?>> parameters() {
        return RequestParameters.all().stream();
    }

    static Stream<RequestParameter<?>> recordFields() {
        return parameters().filter(RequestParameter::recordOverrides);
    }

    @Test
    void everyParameterHasAProbe() {
        assertThat(PROBES.keySet()).containsExactlyInAnyOrderElementsOf(
                RequestParameters.all().stream().map(RequestParameter::name).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordFields")
    void aJsonlValueReachesTheAvroFieldAndTheEnginesRequest(RequestParameter<?> parameter) throws Exception {
        Probe probe = probe(parameter);
        String line = "{\"id\": \"r\", \"prompt\": \"hi\", \"" + parameter.name() + "\": "
                + JsonLines.MAPPER.writeValueAsString(probe.value()) + "}";

        PromptRequest record = parser.parse(line);
        assertThat(record.get(parameter.avroField().orElseThrow())).as("the Avro field").isEqualTo(probe.value());
        assertThat((Object) parameter.recordValue(record)).isEqualTo(probe.value());

        SearchRequest request = new RecordMapping(DEFAULTS).toSearchRequest(record);
        assertThat(probe.inRequest().apply(request)).as("the engine's request").isEqualTo(probe.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordFields")
    void aJsonlValueOfTheWrongKindIsRefusedNamingTheField(RequestParameter<?> parameter) {
        String line = "{\"id\": \"r\", \"prompt\": \"hi\", \"" + parameter.name() + "\": {\"no\": 1}}";
        assertThatThrownBy(() -> parser.parse(line)).isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("field '" + parameter.name() + "' must be ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordFields")
    void aJsonlNullLeavesTheConfiguredValue(RequestParameter<?> parameter) throws Exception {
        PromptRequest record = parser.parse("{\"id\": \"r\", \"prompt\": \"hi\", \"" + parameter.name() + "\": null}");
        assertThat((Object) parameter.recordValue(record)).isNull();
        assertThat(probe(parameter).inRequest().apply(new RecordMapping(DEFAULTS).toSearchRequest(record)))
                .isEqualTo(parameter.option().defaultValue());
    }

    @Test
    void aParameterThatRecordsCannotOverrideIsAnUnknownJsonlField() {
        parameters().filter(p -> !p.recordOverrides()).forEach(parameter -> assertThatThrownBy(() -> parser.parse(
                "{\"id\": \"r\", \"prompt\": \"hi\", \"" + parameter.name() + "\": 1}"))
                .hasMessage("unknown field '" + parameter.name() + "'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameters")
    void aConfiguredValueReachesTheEnginesRequest(RequestParameter<?> parameter) throws Exception {
        Probe probe = probe(parameter);
        ArborConfig config = DEFAULTS.toBuilder().setAll(asStrings(parameter.option(), probe.value())).build();
        SearchRequest request = new RecordMapping(config)
                .toSearchRequest(PromptRequest.newBuilder().setId("r").setPrompt("hi").build());
        assertThat(probe.inRequest().apply(request)).isEqualTo(probe.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameters")
    void aSqlKeyReachesTheOperatorsOptionInAModelAndInAQuery(RequestParameter<?> parameter) {
        parameter.sqlOption().ifPresent(sql -> {
            Object value = probe(parameter).value();
            Configuration model = asStrings(sql, value);
            model.setString(SqlOptions.MODEL_PATH.key(), "/m.gguf");
            assertThat((Object) SqlOptions.modelConfig(model).get(parameter.option())).isEqualTo(value);
            assertThat((Object) SqlOptions.withQueryOverrides(DEFAULTS, asStrings(sql, value)).get(parameter.option()))
                    .isEqualTo(value);
        });
    }

    private static Probe probe(RequestParameter<?> parameter) {
        Probe probe = PROBES.get(parameter.name());
        assertThat(probe).as("a probe for " + parameter.name()).isNotNull();
        assertThat(probe.value()).as("the probe of " + parameter.name() + " is not the default")
                .isNotEqualTo(parameter.option().defaultValue());
        return probe;
    }

    /** A configuration holding {@code value} as a user writes it: as text, read back by the option's type. */
    @SuppressWarnings("unchecked")
    private static <T> Configuration asStrings(ConfigOption<T> option, Object value) {
        Configuration typed = new Configuration();
        typed.set(option, (T) value);
        return Configuration.fromMap(typed.toMap());
    }
}
