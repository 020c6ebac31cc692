package com.example.quickstart;

// region imports
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
// endregion

/** Beam search over a few prompts in a DataStream job: records in, one result per record out. */
public final class DataStreamQuickstart {
    private DataStreamQuickstart() {}

    public static void main(String[] args) throws Exception {
        for (SearchResult result : run()) {
            System.out.println(result.getId() + ": " + result.getWinner().getText());
        }
    }

    /** Runs the job and returns its results. */
    public static List<SearchResult> run() throws Exception {
        // region job
        // Any GGUF model file; here Arbor's synthetic one (random weights: random text).
        String model = SyntheticModels.cached(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42).toString();
        ArborConfig config = ArborConfig.builder()
                .modelPath(model)
                .set(ArborOptions.STRATEGY, "beam")
                .set(ArborOptions.WIDTH, 4)
                .set(ArborOptions.MAX_NEW_TOKENS, 16)
                .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<PromptRequest> requests = env.fromData(List.of(
                PromptRequest.newBuilder().setId("king").setPrompt("Once upon a time there was a king who").build(),
                PromptRequest.newBuilder().setId("sea").setPrompt("The sea was calm and").build(),
                PromptRequest.newBuilder().setId("sampled").setPrompt("In a big house").setStrategyName("best_of_n")
                        .setTemperature(0.9f).setSeed(7L).build()),
                new AvroTypeInfo<>(PromptRequest.class));

        TreeSearch.Results searched = TreeSearch.with(config).apply(requests); // all(), completed(), rejected()
        DataStream<SearchResult> results = searched.all();
        // endregion

        List<SearchResult> collected = new ArrayList<>();
        try (CloseableIterator<SearchResult> it = results.executeAndCollect("arbor-quickstart")) {
            it.forEachRemaining(collected::add);
        }
        return collected;
    }
}
