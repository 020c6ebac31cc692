package dev.arbor.jobs.eval;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.kafka.JsonRecordSerializer;
import dev.arbor.jobs.kafka.KafkaEncodings;
import dev.arbor.jobs.kafka.KafkaItemSource;
import dev.arbor.jobs.kafka.KafkaPreflight;
import dev.arbor.jobs.kafka.KafkaSettings;
import dev.arbor.jobs.kafka.KafkaSinks;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.records.PromptLineParser;
import dev.arbor.jobs.records.RequestAdmission;
import dev.arbor.jobs.records.ResultRouter;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;

/**
 * Streaming evaluation on Kafka, as a DataStream recipe: items from a topic are searched and scored
 * as the file job does ({@link EvalScorer}), and the per-item scores, the windowed aggregates and the
 * dead letters go to three topics, each exactly once (Kafka transactions committed on checkpoints;
 * the input offsets live in the same checkpoints). No message stops the stream: what cannot be
 * scored is a dead letter that names its message.
 *
 * <pre>
 * input topic -> RequestAdmission -> TreeSearch -> ResultRouter -> KafkaScoreFunction -> scores topic
 *                                                                         \ window -> aggregates topic (+ log)
 *                  \ bad messages, search errors -> dead-letter topic
 * </pre>
 *
 * Operator uids are fixed, so a job resumes from a savepoint of an earlier run of this recipe.
 */
@PublicApi
public final class KafkaEvalPipeline {
    private KafkaEvalPipeline() {}

    /**
     * Checks the brokers and topics (see {@link #check}), then adds the job to {@code env}, whose
     * checkpointing must be on: the outputs are committed at checkpoints.
     *
     * @throws ConfigException when checkpointing is off, no broker answers, or a topic is missing
     */
    public static void build(StreamExecutionEnvironment env, KafkaSettings kafka, ArborConfig arbor,
            EvalScorer scorer, Duration window) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new ConfigException("invalid configuration: job.checkpoint-interval must be positive for Kafka "
                    + "outputs (they are committed at checkpoints)");
        }
        check(kafka);
        addChecked(env, kafka, arbor, scorer, window);
    }

    /** @throws ConfigException when no broker answers or a topic is missing ({@link KafkaPreflight}) */
    public static void check(KafkaSettings kafka) {
        KafkaPreflight.check(kafka, kafka.evalTopics());
    }

    /** {@link #build} for a caller that has checked the settings and the environment already ({@code arbor eval}). */
    static void addChecked(StreamExecutionEnvironment env, KafkaSettings kafka, ArborConfig arbor, EvalScorer scorer,
            Duration window) {
        DataStream<InputRecord> messages = env.fromSource(KafkaItemSource.create(kafka),
                WatermarkStrategy.noWatermarks(), "Kafka items").uid("kafka-items");
        SingleOutputStreamOperator<PromptRequest> requests = messages
                .process(new RequestAdmission(PromptLineParser.Mode.EVAL))
                .returns(new AvroTypeInfo<>(PromptRequest.class)).name("Parse items").uid("parse-items");
        TreeSearch.Results searched = TreeSearch.with(arbor).uid("tree-search").apply(requests);
        SingleOutputStreamOperator<SearchResult> results = searched.all().process(ResultRouter.keepingOrigin())
                .returns(new AvroTypeInfo<>(SearchResult.class)).name("Route results").uid("route-results");
        SingleOutputStreamOperator<ScoredItem> scored = results.map(new KafkaScoreFunction(scorer))
                .name("Score items").uid("score-items");

        scored.sinkTo(KafkaSinks.exactlyOnce(kafka, "scores", new JsonRecordSerializer<>(kafka.outputTopic(),
                kafka.deadLetterTopic(), EvalKafkaEncodings.scores()))).name("Kafka scores").uid("kafka-scores");
        scored.map(item -> item.score).returns(TypeInformation.of(EvalScore.class)).name("Scores").uid("scores")
                .windowAll(TumblingProcessingTimeWindows.of(window))
                .aggregate(new EvalAggregator.Sum(), new EvalAggregator.Emit())
                .name("Aggregate window").uid("aggregate")
                .returns(TypeInformation.of(EvalAggregate.class))
                .sinkTo(KafkaSinks.exactlyOnce(kafka, "aggregates", new JsonRecordSerializer<>(kafka.aggregatesTopic(),
                        kafka.deadLetterTopic(), EvalKafkaEncodings.aggregates()))).name("Kafka aggregates")
                .uid("kafka-aggregates");
        requests.getSideOutput(RequestAdmission.REJECTED).union(results.getSideOutput(ResultRouter.REJECTED))
                .sinkTo(KafkaSinks.exactlyOnce(kafka, "dead-letters", new JsonRecordSerializer<>(
                        kafka.deadLetterTopic(), null, KafkaEncodings.deadLetters())))
                .name("Kafka dead letters").uid("kafka-dead-letters");
    }
}
