package dev.arbor.flink.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.ModelRegistry;
import dev.arbor.flink.SlotRuntime;
import dev.arbor.flink.TestSetup;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.search.SearchTestModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SQL's ML_PREDICT with an {@code arbor} model, end to end on the table planner and a MiniCluster. */
@SuppressWarnings("try") // CloseableIterator.close() throws Exception; fine in tests
class MlPredictTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String SMALL_CONTEXT = "'n-ctx' = '1024', 'n-batch' = '128', 'n-seq-max' = '4', "
            + "'threads' = '1', 'max-new-tokens' = '6'";

    private StreamTableEnvironment tables;

    @BeforeEach
    void createTables() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        tables = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE TEMPORARY VIEW prompts AS SELECT * FROM (VALUES "
                + "(1, 'once upon a time', ' there was a king'), (2, 'we go home', CAST(NULL AS STRING)), "
                + "(3, 'the king and the sea', ' and the sea'), (4, '', ' x'), (5, CAST(NULL AS STRING), ' y')) "
                + "AS v(id, prompt, reference)");
        tables.executeSql("CREATE TEMPORARY VIEW good_prompts AS SELECT id, prompt FROM prompts WHERE id <= 3");
    }

    @Test
    void theIssuesExampleAnswersEachRowWithTheWinnerOfItsSearch() throws Exception {
        tables.executeSql("CREATE MODEL m INPUT (prompt STRING) OUTPUT (response STRING, score DOUBLE) WITH ("
                + "'provider' = 'arbor', 'model-path' = '" + SearchTestModels.tiny() + "', 'strategy' = 'beam', "
                + "'width' = '4', " + SMALL_CONTEXT + ")");
        TableResult result = tables.executeSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL m, DESCRIPTOR(prompt))");
        assertThat(result.getResolvedSchema().getColumnNames()).containsExactly("id", "prompt", "response", "score");
        List<Row> rows = collect(result);

        assertThat(rows).hasSize(3);
        ArborConfig config = TestSetup.small().set(ArborOptions.WIDTH, 4).build();
        Map<String, SearchResult> expected = searchDirectly(config, rows.stream().map(r -> (String) r.getField(1)).toList());
        for (Row row : rows) {
            SearchResult direct = expected.get((String) row.getField(1));
            assertThat(row.getField(2)).as("response of %s", row).isEqualTo(direct.getWinner().getText());
            assertThat((Double) row.getField(3)).isCloseTo(direct.getWinner().getScore(),
                    org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void badRowsGetErrorColumnsReferencesAreScoredAndQueriesMayOverrideSearchOptions() throws Exception {
        tables.executeSql("CREATE MODEL rich INPUT (prompt STRING, reference STRING) OUTPUT (response STRING, "
                + "score DOUBLE, finish_reason STRING, token_count INT, reference_logprob DOUBLE, "
                + "reference_perplexity DOUBLE, error_code STRING, error_message STRING) WITH ("
                + "'provider' = 'arbor', 'model-path' = '" + SearchTestModels.tiny() + "', 'strategy' = 'best_of_n', "
                + "'width' = '2', 'stop-at-eog' = 'false', " + SMALL_CONTEXT + ")");
        List<Row> rows = collect(tables.executeSql("SELECT id, response, score, finish_reason, token_count, "
                + "reference_logprob, reference_perplexity, error_code, error_message FROM ML_PREDICT("
                + "TABLE prompts, MODEL rich, DESCRIPTOR(prompt, reference), MAP['max-new-tokens', '2'])"));

        Map<Integer, Row> byId = new HashMap<>();
        rows.forEach(row -> byId.put((Integer) row.getField(0), row));
        assertThat(byId).hasSize(5);
        for (int id = 1; id <= 3; id++) {
            Row row = byId.get(id);
            assertThat(row.getField(7)).as("error of %s", row).isNull();
            assertThat((String) row.getField(1)).isNotNull();
            assertThat(row.getField(3)).isEqualTo("LENGTH");
            assertThat(row.getField(4)).as("the query's max-new-tokens overrides the model's 6").isEqualTo(2);
        }
        assertThat((Double) byId.get(1).getField(5)).isNegative();
        assertThat((Double) byId.get(1).getField(6)).isGreaterThan(1.0);
        assertThat(byId.get(2).getField(5)).as("no reference, nothing scored").isNull();
        for (int id = 4; id <= 5; id++) {
            Row row = byId.get(id);
            assertThat(row.getField(7)).as("error of %s", row).isEqualTo("EMPTY_PROMPT");
            assertThat((String) row.getField(8)).isNotBlank();
            assertThat(row.getField(1)).isNull();
            assertThat(row.getField(2)).isNull();
            assertThat(row.getField(5)).isNull();
        }
    }

    @Test
    void badModelDefinitionsAreRejectedNamingTheProblem() {
        String path = "'model-path' = '" + SearchTestModels.tiny() + "'";
        tables.executeSql("CREATE MODEL zero_width INPUT (prompt STRING) OUTPUT (response STRING) WITH ("
                + "'provider' = 'arbor', " + path + ", 'width' = '0')");
        assertThatThrownBy(() -> plan("zero_width")).hasStackTraceContaining("'width' must be >= 1, was 0");

        tables.executeSql("CREATE MODEL unknown_key INPUT (prompt STRING) OUTPUT (response STRING) WITH ("
                + "'provider' = 'arbor', " + path + ", 'beam-width' = '3')");
        assertThatThrownBy(() -> plan("unknown_key")).hasStackTraceContaining("beam-width");

        tables.executeSql("CREATE MODEL unknown_output INPUT (prompt STRING) OUTPUT (answer STRING) WITH ("
                + "'provider' = 'arbor', " + path + ")");
        assertThatThrownBy(() -> plan("unknown_output")).hasStackTraceContaining("unknown output column answer");

        tables.executeSql("CREATE MODEL wrong_type INPUT (prompt STRING) OUTPUT (score STRING) WITH ("
                + "'provider' = 'arbor', " + path + ")");
        assertThatThrownBy(() -> plan("wrong_type")).hasStackTraceContaining("must be DOUBLE");

        tables.executeSql("CREATE MODEL m2 INPUT (prompt STRING) OUTPUT (response STRING) WITH ("
                + "'provider' = 'arbor', " + path + ")");
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL m2, "
                + "DESCRIPTOR(prompt), MAP['temperature', '-1'])"))
                .hasStackTraceContaining("'temperature' must be >= 0");
    }

    /** Issue 10, defect 5: a typo or a model-level key in the CONFIG map is an error, not silently ignored. */
    @Test
    void unknownAndModelLevelKeysOfTheQueryConfigAreRejected() {
        tables.executeSql("CREATE MODEL keys INPUT (prompt STRING) OUTPUT (response STRING) WITH ("
                + "'provider' = 'arbor', 'model-path' = '" + SearchTestModels.tiny() + "')");
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL keys, "
                + "DESCRIPTOR(prompt), MAP['widht', '2'])"))
                .hasStackTraceContaining("unknown ML_PREDICT config key 'widht'")
                .hasStackTraceContaining("valid keys: ").hasStackTraceContaining("width")
                .hasStackTraceContaining("timeout");
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL keys, "
                + "DESCRIPTOR(prompt), MAP['n-ctx', '64'])"))
                .hasStackTraceContaining("'n-ctx' is fixed per model");
        // The planner's own keys and the per-query ones pass.
        tables.explainSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL keys, DESCRIPTOR(prompt), "
                + "MAP['timeout', '30 s', 'async', 'true', 'width', '2'])");
    }

    /**
     * Issue 10, defect 4: a row slower than ML_PREDICT's timeout comes back as a TIMEOUT row, for
     * any timeout, instead of failing the job ("Async function call has timed out").
     */
    @Test
    void rowsSlowerThanTheQueryTimeoutComeBackAsTimeoutRows() throws Exception {
        tables.executeSql("CREATE MODEL slow INPUT (prompt STRING) OUTPUT (response STRING, error_code STRING, "
                + "error_message STRING) WITH ('provider' = 'arbor', 'model-path' = '" + SearchTestModels.tiny()
                + "', 'n-ctx' = '16384', 'n-seq-max' = '4', 'threads' = '1', 'width' = '4', 'stop-at-eog' = 'false')");
        // Long prompts: their prefill is one long engine step, so only a timer of its own answers in time.
        tables.executeSql("CREATE TEMPORARY VIEW long_prompts AS SELECT id, REPEAT('the king and the sea ', 1000) "
                + "|| CAST(id AS STRING) AS prompt FROM (VALUES (1), (2), (3)) AS v(id)");
        for (String timeout : List.of("2 s", "1 s", "50 ms", "1 s long")) {
            boolean longPrompts = timeout.endsWith("long");
            List<Row> rows = collect(tables.executeSql("SELECT id, response, error_code, error_message FROM "
                    + "ML_PREDICT(TABLE " + (longPrompts ? "long_prompts" : "good_prompts") + ", MODEL slow, "
                    + "DESCRIPTOR(prompt), MAP['timeout', '" + timeout.replace(" long", "") + "', 'max-new-tokens', '"
                    + (longPrompts ? 1000 : 4000) + "'])"));
            assertThat(rows).as("timeout %s", timeout).hasSize(3);
            for (Row row : rows) {
                assertThat(row.getField(2)).as("timeout %s: %s", timeout, row).isEqualTo("TIMEOUT");
                assertThat(row.getField(1)).isNull();
                assertThat((String) row.getField(3)).containsAnyOf("within", "timeout");
            }
        }
    }

    private String plan(String model) {
        return tables.explainSql("SELECT * FROM ML_PREDICT(TABLE good_prompts, MODEL " + model + ", DESCRIPTOR(prompt))");
    }

    private static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = result.collect()) {
            iterator.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** What the engine answers for each prompt as a record whose id is the prompt (as ML_PREDICT does). */
    private static Map<String, SearchResult> searchDirectly(ArborConfig config, List<String> prompts) throws Exception {
        Map<String, SearchResult> results = new HashMap<>();
        try (SlotRuntime runtime = SlotRuntime.open(config, 8, new ModelRegistry(), new UnregisteredMetricsGroup())) {
            for (String prompt : prompts) {
                PromptRequest request = PromptRequest.newBuilder().setId(prompt).setPrompt(prompt).build();
                results.put(prompt, runtime.submit(request).get(60, TimeUnit.SECONDS));
            }
        }
        return results;
    }
}
