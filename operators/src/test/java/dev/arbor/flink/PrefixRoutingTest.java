package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routing by prefix on a MiniCluster with three subtasks: every record of a prefix group is
 * searched by one subtask (its prefix cache serves the group), a group with an explicit
 * {@code prefixKey} stays together although its prompts differ; without routing Flink spreads the
 * same records over several subtasks. The subtasks' prefix cache metrics count the hits.
 */
class PrefixRoutingTest {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

    /** Subtask index that searched each record, by job name and id (same JVM as the MiniCluster). */
    private static final Map<String, Integer> SUBTASKS = new ConcurrentHashMap<>();

    private static final List<String> PREFIXES = List.of(
            "you are a careful assistant and you answer every question about the king and the sea in one line",
            "here are three examples of a story about an old man and his dog who went home by the water",
            "the blue sun and the big tree by the house are the subject of every question that follows now");

    /** Groups of eight in blocks (so that round-robin spreads each block), then one with an explicit key. */
    private static List<PromptRequest> requests() {
        List<PromptRequest> requests = new ArrayList<>();
        for (int group = 0; group < PREFIXES.size(); group++) {
            for (int i = 0; i < 8; i++) {
                requests.add(TestSetup.request("g" + group + "-" + i, PREFIXES.get(group) + " question " + i));
            }
        }
        for (int i = 0; i < 6; i++) {
            requests.add(PromptRequest.newBuilder(TestSetup.request("keyed-" + i, "prompt " + i + " of its own"))
                    .setPrefixKey("custom").build());
        }
        return requests;
    }

    @Test
    void recordsSharingAPrefixMeetInOneSubtask() throws Exception {
        List<PromptRequest> requests = requests();
        run("routed", requests, 12);
        run("spread", requests, 0);

        Map<String, Set<Integer>> routed = subtasksByGroup("routed");
        assertThat(routed).hasSize(PREFIXES.size() + 1);
        routed.forEach((group, subtasks) -> assertThat(subtasks).as("subtasks of group " + group).hasSize(1));
        assertThat(subtasksByGroup("spread").values()).as("without routing the same records spread")
                .anyMatch(subtasks -> subtasks.size() > 1);

        assertThat(sumOfGauges("routed", EngineMetricsBinding.CACHE_HITS)).as("requests served from the cache")
                .isPositive();
        assertThat(sumOfGauges("routed", EngineMetricsBinding.CACHED_PROMPT_TOKENS)).isPositive();
    }

    private static void run(String jobName, List<PromptRequest> requests, int routingTokens) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        DataStream<PromptRequest> input = env.fromData(new AvroTypeInfo<>(PromptRequest.class), requests
                .toArray(PromptRequest[]::new));
        DataStream<SearchResult> results = TreeSearch.with(TestSetup.small().build()).routeByPrefix(routingTokens)
                .apply(input).all().map(new RecordSubtask(jobName)).returns(new AvroTypeInfo<>(SearchResult.class));
        List<SearchResult> collected = new ArrayList<>();
        try (CloseableIterator<SearchResult> iterator = results.executeAndCollect(jobName)) {
            iterator.forEachRemaining(collected::add);
        }
        assertThat(collected).hasSameSizeAs(requests).allMatch(result -> result.getError() == null);
    }

    /** Group name (the id before its last '-') to the subtasks that searched its records. */
    private static Map<String, Set<Integer>> subtasksByGroup(String jobName) {
        Map<String, Set<Integer>> groups = new HashMap<>();
        SUBTASKS.forEach((key, subtask) -> {
            if (key.startsWith(jobName + "/")) {
                String id = key.substring(jobName.length() + 1);
                groups.computeIfAbsent(id.substring(0, id.lastIndexOf('-')), g -> new TreeSet<>()).add(subtask);
            }
        });
        return groups;
    }

    private static long sumOfGauges(String jobName, String name) {
        long[] sum = {0};
        REPORTER.getMetricsByGroup().forEach((group, byName) -> byName.forEach((metricName, metric) -> {
            if (metricName.equals(name) && group.getMetricIdentifier(metricName).contains(jobName)) {
                sum[0] += ((Number) ((Gauge<?>) metric).getValue()).longValue();
            }
        }));
        return sum[0];
    }

    /** Chained to the search (forward): its subtask index is the one of the subtask that searched the record. */
    static final class RecordSubtask extends RichMapFunction<SearchResult, SearchResult> {
        private static final long serialVersionUID = 1L;
        private final String jobName;

        RecordSubtask(String jobName) {
            this.jobName = jobName;
        }

        @Override
        public SearchResult map(SearchResult result) {
            SUBTASKS.put(jobName + "/" + result.getId(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            return result;
        }
    }
}
