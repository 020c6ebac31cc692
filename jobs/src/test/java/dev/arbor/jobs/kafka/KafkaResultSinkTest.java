package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: {@code arbor generate}'s results to a topic: a bounded job's results are all committed
 * when its input ends (its last checkpoint), once each, keyed by id, as the file job's JSON.
 */
class KafkaResultSinkTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaFixtures.miniCluster();

    @Test
    void aBoundedJobCommitsEveryResultOnceWhenItsInputEnds() throws Exception {
        KAFKA.topics().create(2, "generated", "generate-dead-letters");
        Configuration config = new Configuration();
        config.set(KafkaOptions.BOOTSTRAP, KAFKA.bootstrap());
        config.set(KafkaOptions.OUTPUT_TOPIC, "generated");
        config.set(KafkaOptions.DEAD_LETTER_TOPIC, "generate-dead-letters");
        KafkaSettings settings = KafkaSettings.forGenerate(config);
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(PromptRequest.newBuilder().setId("story-" + i).setPrompt("Once upon a time " + i)
                    .setMetadata(Map.of("n", Integer.toString(i))).build());
        }

        StreamExecutionEnvironment env = KafkaFixtures.env(2);
        var results = TreeSearch.with(KafkaFixtures.arbor()).apply(env.fromData(requests,
                new AvroTypeInfo<>(PromptRequest.class)));
        KafkaResultSink.attach(results.all(), settings);
        env.execute("kafka-generate");

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.topics().readCommitted("generated");
        assertThat(records).extracting(KafkaFixtures::key).doesNotHaveDuplicates().hasSize(30)
                .allMatch(id -> id.startsWith("story-"));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode result = KafkaFixtures.json(record);
            assertThat(result.get("id").asText()).isEqualTo(KafkaFixtures.key(record));
            assertThat(KafkaFixtures.header(record, SourceRef.ID_HEADER)).isEqualTo(KafkaFixtures.key(record));
            assertThat(KafkaFixtures.header(record, SourceRef.TOPIC_HEADER)).as("not from Kafka: no source").isNull();
            assertThat(result.get("winner").get("text").isTextual()).isTrue();
            assertThat(result.get("error").isNull()).isTrue();
            assertThat(result.get("metadata").get("n").asText()).isEqualTo(result.get("id").asText().substring(6));
        }
        assertThat(KAFKA.topics().readCommitted("generate-dead-letters")).isEmpty();
    }
}
