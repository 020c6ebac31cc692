package com.example.quickstart;

import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** The same search from SQL: an {@code arbor} model and ML_PREDICT over a table of prompts. */
public final class SqlQuickstart {
    private SqlQuickstart() {}

    public static void main(String[] args) throws Exception {
        for (Row row : run()) {
            System.out.println(row);
        }
    }

    /** Runs the query and returns its rows: id, prompt, response, score. */
    public static List<Row> run() throws Exception {
        String model = SyntheticModels.cached(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42).toString();
        // region query
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE TEMPORARY VIEW prompts AS SELECT * FROM (VALUES "
                + "(1, 'Once upon a time there was a king who'), (2, 'The sea was calm and')) AS t(id, prompt)");
        tables.executeSql("CREATE MODEL storyteller INPUT (prompt STRING) OUTPUT (response STRING, score DOUBLE) "
                + "WITH ('provider' = 'arbor', 'model-path' = '" + model + "', 'strategy' = 'beam', 'width' = '4', "
                + "'max-new-tokens' = '16')");
        String query = "SELECT * FROM ML_PREDICT(TABLE prompts, MODEL storyteller, DESCRIPTOR(prompt))";
        // endregion
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = tables.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
