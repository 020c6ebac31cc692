package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job with parallelism 2 and checkpoints every 200 ms fails once mid-stream, with records in
 * flight in the async operator: after the restore, the FileSink holds every input id exactly
 * once, and each result equals the one of a failure-free run.
 */
class FailoverTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final int RECORDS = 60;
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicInteger OPENS = new AtomicInteger();

    @TempDir Path dir;

    @Test
    void aFailureMidStreamLosesNoRecordAndDuplicatesNone() throws Exception {
        List<PromptRequest> requests = TestSetup.requests("f", RECORDS);

        List<SearchResult> reference = run(requests, dir.resolve("reference"), false);
        assertThat(FAILED).isFalse();
        OPENS.set(0);
        List<SearchResult> recovered = run(requests, dir.resolve("recovered"), true);

        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(OPENS.get()).as("the pipeline was restarted (2 subtasks, opened again)").isGreaterThan(2);
        assertThat(recovered).hasSize(RECORDS);
        Map<String, SearchResult> byId = TestSetup.byId(recovered); // fails on a duplicate id
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(
                requests.stream().map(PromptRequest::getId).toList());
        assertThat(recovered).allSatisfy(r -> assertThat(r.getError()).as(r.getId()).isNull());
        TestSetup.assertSameResults(byId, TestSetup.byId(reference));
    }

    private static List<SearchResult> run(List<PromptRequest> requests, Path out, boolean injectFailure)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);

        DataStream<PromptRequest> input = env.fromData(requests, new AvroTypeInfo<>(PromptRequest.class))
                .map(new Throttle()).returns(new AvroTypeInfo<>(PromptRequest.class)).setParallelism(1);
        DataStream<SearchResult> results = TreeSearch.with(TestSetup.small().build()).apply(input).all()
                .map(new FailOnce(injectFailure)).returns(new AvroTypeInfo<>(SearchResult.class));
        results.sinkTo(FileSink.forBulkFormat(new org.apache.flink.core.fs.Path(out.toUri()),
                        AvroWriters.forSpecificRecord(SearchResult.class))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("results").withPartSuffix(".avro")
                        .build())
                .build());
        env.execute("arbor failover test");
        return readResults(out);
    }

    /** Every result in the sink's finished files (in-progress files start with a dot). */
    static List<SearchResult> readResults(Path out) throws IOException {
        List<SearchResult> results = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                try (var reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(SearchResult.class))) {
                    reader.forEach(results::add);
                }
            }
        }
        return results;
    }

    /** Spreads the input over several checkpoint intervals, so that the failure lands mid-stream. */
    static final class Throttle extends RichMapFunction<PromptRequest, PromptRequest> {
        private static final long serialVersionUID = 1L;

        @Override
        public PromptRequest map(PromptRequest request) throws InterruptedException {
            Thread.sleep(15);
            return request;
        }
    }

    /**
     * Throws once, after a checkpoint completed and a few results passed (static flag: survives the
     * restart); chained behind the async operator, so the failure takes its in-flight records down.
     */
    static final class FailOnce extends RichMapFunction<SearchResult, SearchResult> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private final boolean inject;
        private transient volatile boolean checkpointed;
        private transient int seen;

        FailOnce(boolean inject) {
            this.inject = inject;
        }

        @Override
        public void open(OpenContext openContext) {
            OPENS.incrementAndGet();
        }

        @Override
        public SearchResult map(SearchResult result) throws InterruptedException {
            if (inject) {
                // Slower than the input: the async operator's queue fills, so records are in flight at the
                // checkpoints and at the failure (the restore re-issues them from the operator's state).
                Thread.sleep(40);
            }
            seen++;
            if (inject && checkpointed && seen >= 3 && FAILED.compareAndSet(false, true)) {
                throw new RuntimeException("injected failure (test)");
            }
            return result;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
