package dev.arbor.jobs.kafka;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.records.SearchResult;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code arbor generate}'s results to a topic, exactly once: each result is a record keyed by its
 * id whose value is the same JSON as a line of the file job's {@code jsonl/} output. A result too
 * large for Kafka becomes a dead letter instead. The job's checkpointing must be on: its
 * transactions are committed at checkpoints (a bounded job takes a last one when its input ends).
 */
@PublicApi
public final class KafkaResultSink {
    private KafkaResultSink() {}

    /** Checks the brokers and topics (see {@link #check}), then sends {@code results} to the output topic. */
    public static void attach(DataStream<SearchResult> results, KafkaSettings kafka) {
        check(kafka);
        attachChecked(results, kafka);
    }

    /**
     * @throws dev.arbor.jobs.config.ConfigException when no broker answers or a topic is missing
     *     ({@link KafkaPreflight})
     */
    public static void check(KafkaSettings kafka) {
        KafkaPreflight.check(kafka, kafka.generateTopics());
    }

    /** {@link #attach} for a caller that ran {@link #check} already ({@code arbor generate}, before its outputs). */
    public static void attachChecked(DataStream<SearchResult> results, KafkaSettings kafka) {
        results.sinkTo(KafkaSinks.exactlyOnce(kafka, "results", new JsonRecordSerializer<>(kafka.outputTopic(),
                kafka.deadLetterTopic(), KafkaEncodings.results()))).name("Kafka results").uid("kafka-results");
    }
}
