package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad records mixed into a stream of good ones: each gets an error result with its code in the
 * rejected stream, the job goes on, the good ones complete exactly as without the bad ones, and
 * the subtasks' metrics count both.
 */
class BadRecordsTest {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** The requests of the running job by id, read by {@link LookUp} (same JVM). */
    private static final Map<String, PromptRequest> REQUESTS = new ConcurrentHashMap<>();

    /** Bad records by id, and the error code and message fragment each must get. */
    private static final Map<String, PromptRequest> CASES = new LinkedHashMap<>();
    private static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();

    static {
        bad(PromptRequest.newBuilder().setId("null-prompt"), "EMPTY_PROMPT", "no prompt");
        bad(PromptRequest.newBuilder().setId("empty-prompt").setPrompt(""), "EMPTY_PROMPT", "empty");
        bad(PromptRequest.newBuilder().setId("blank-prompt").setPrompt("  \n "), "EMPTY_PROMPT", "empty");
        bad(PromptRequest.newBuilder().setId("too-long").setPrompt("the king and the sea ".repeat(300)),
                "PROMPT_TOO_LONG", "tokens");
        bad(prompt("zero-width").setWidth(0), "INVALID_PARAMS", "width");
        bad(prompt("too-wide").setWidth(9), "WIDTH_TOO_LARGE", "width");
        bad(prompt("no-new-tokens").setMaxNewTokens(0), "INVALID_PARAMS", "maxNewTokens");
        bad(prompt("negative-temperature").setTemperature(-1f), "INVALID_PARAMS", "temperature");
        bad(prompt("top-p-above-one").setTopP(1.5f), "INVALID_PARAMS", "topP");
        bad(prompt("nan-length-penalty").setLengthPenalty(Double.NaN), "INVALID_PARAMS", "lengthPenalty");
        bad(prompt("empty-stop").setStop(List.of("")), "INVALID_PARAMS", "stop");
        bad(PromptRequest.newBuilder().setId("unpaired-surrogate").setPrompt("bad \uD800 text"), "INVALID_TEXT",
                "Unicode");
        bad(prompt("empty-reference").setReference(""), "INVALID_PARAMS", "reference");
    }

    private static PromptRequest.Builder prompt(String id) {
        return PromptRequest.newBuilder().setId(id).setPrompt("once upon a time");
    }

    private static void bad(PromptRequest.Builder builder, String code, String messagePart) {
        PromptRequest request = builder.setMetadata(Map.of("case", builder.getId())).build();
        CASES.put(request.getId(), request);
        EXPECTED.put(request.getId(), new String[] {code, messagePart});
    }

    private static List<PromptRequest> good() {
        List<PromptRequest> good = new ArrayList<>(TestSetup.requests("good-", 12));
        good.add(PromptRequest.newBuilder(TestSetup.request("good-with-reference", "once upon a time"))
                .setReference(" there was a king").build());
        return good;
    }

    @Test
    void eachBadRecordGetsItsErrorAndTheGoodOnesAreUnaffected() throws Exception {
        List<PromptRequest> good = good();
        List<PromptRequest> mixed = new ArrayList<>();
        List<PromptRequest> bad = new ArrayList<>(CASES.values());
        for (int i = 0; i < good.size(); i++) { // interleave
            mixed.add(good.get(i));
            if (i < bad.size()) {
                mixed.add(bad.get(i));
            }
        }
        mixed.addAll(bad.subList(Math.min(bad.size(), good.size()), bad.size()));

        Run clean = run("arbor-clean", good);
        Run withBad = run("arbor-mixed", mixed);

        assertThat(clean.rejected).isEmpty();
        assertThat(withBad.rejected).extracting(SearchResult::getId)
                .containsExactlyInAnyOrderElementsOf(CASES.keySet());
        for (SearchResult rejected : withBad.rejected) {
            String[] expected = EXPECTED.get(rejected.getId());
            assertThat(rejected.getWinner()).as(rejected.getId()).isNull();
            assertThat(rejected.getError().getCode()).as(rejected.getId() + ": " + rejected.getError().getMessage())
                    .isEqualTo(expected[0]);
            assertThat(rejected.getError().getMessage()).as(rejected.getId()).contains(expected[1]);
            assertThat(rejected.getMetadata()).as("metadata carried through").containsEntry("case", rejected.getId());
        }
        TestSetup.assertSameResults(TestSetup.byId(withBad.completed), TestSetup.byId(clean.completed));
        SearchResult withReference = TestSetup.byId(withBad.completed).get("good-with-reference");
        assertThat(withReference.getReferenceLogprob()).isNegative();
        assertThat(withReference.getReferencePerplexity()).isGreaterThan(1.0);

        assertThat(counter(withBad.jobName, EngineMetricsBinding.REQUESTS_REJECTED)).isEqualTo(CASES.size());
        assertThat(counter(withBad.jobName, EngineMetricsBinding.REQUESTS_COMPLETED)).isEqualTo(good.size());
        assertThat(counter(withBad.jobName, EngineMetricsBinding.REQUESTS_FAILED)).isZero();
        assertThat(counter(withBad.jobName, EngineMetricsBinding.REQUESTS_TIMED_OUT)).isZero();
        assertThat(arborMetrics(withBad.jobName).keySet())
                .anyMatch(name -> name.endsWith(EngineMetricsBinding.GROUP + "." + EngineMetricsBinding.KV_PRESSURE))
                .anyMatch(name -> name.endsWith("." + EngineMetricsBinding.DECODE_STEP_LATENCY))
                .anyMatch(name -> name.endsWith("." + EngineMetricsBinding.GENERATED_TOKENS_PER_SECOND));
    }

    private record Run(String jobName, List<SearchResult> completed, List<SearchResult> rejected) {}

    private static Run run(String jobName, List<PromptRequest> requests) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a bad record must not fail the job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        // The requests are built inside the job (chained to the operator), so that Java strings Avro
        // cannot encode (an unpaired surrogate) reach it as a user's own map function would pass them.
        List<String> ids = requests.stream().map(PromptRequest::getId).toList();
        Map<String, PromptRequest> byId = new LinkedHashMap<>();
        requests.forEach(r -> byId.put(r.getId(), r));
        REQUESTS.clear();
        REQUESTS.putAll(byId);
        DataStream<PromptRequest> input = env.fromData(ids).rebalance().map(new LookUp())
                .returns(new AvroTypeInfo<>(PromptRequest.class));
        TreeSearch.Results results = TreeSearch.with(TestSetup.small().build()).apply(input);
        DataStream.Collector<SearchResult> completed = new DataStream.Collector<>();
        DataStream.Collector<SearchResult> rejected = new DataStream.Collector<>();
        results.completed().collectAsync(completed);
        results.rejected().collectAsync(rejected);
        JobClient job = env.executeAsync(jobName);
        List<SearchResult> completedResults = drain(completed.getOutput());
        List<SearchResult> rejectedResults = drain(rejected.getOutput());
        job.getJobExecutionResult().get();
        return new Run(jobName, completedResults, rejectedResults);
    }

    /** Builds the request of an id in the job (same JVM as the test in a MiniCluster). */
    static final class LookUp implements MapFunction<String, PromptRequest> {
        private static final long serialVersionUID = 1L;

        @Override
        public PromptRequest map(String id) {
            return PromptRequest.newBuilder(REQUESTS.get(id)).build();
        }
    }

    private static List<SearchResult> drain(CloseableIterator<SearchResult> iterator) throws Exception {
        List<SearchResult> results = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(results::add);
        }
        return results;
    }

    /** The Arbor metrics of the named job, by full identifier (they contain the job's name). */
    private static Map<String, Metric> arborMetrics(String jobName) {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        REPORTER.getMetricsByGroup().forEach((group, byName) -> byName.forEach((name, metric) -> {
            String identifier = group.getMetricIdentifier(name);
            if (identifier.contains("." + jobName + ".") && identifier.contains("." + EngineMetricsBinding.GROUP + ".")) {
                metrics.put(identifier, metric);
            }
        }));
        return metrics;
    }

    private static long counter(String jobName, String name) {
        long sum = 0;
        for (Map.Entry<String, Metric> metric : arborMetrics(jobName).entrySet()) {
            if (metric.getKey().endsWith(EngineMetricsBinding.GROUP + "." + name)) {
                sum += ((Counter) metric.getValue()).getCount();
            }
        }
        return sum;
    }
}
