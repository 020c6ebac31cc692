package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.config.StartingOffsets;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The Kafka keys as a user writes them: defaults that match kafka-dev's topics, and errors that name the key. */
class KafkaSettingsTest {
    private static Configuration config(String... keysAndValues) {
        Configuration config = new Configuration();
        config.setString("arbor.kafka.bootstrap", "127.0.0.1:9092");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.setString("arbor.kafka." + keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    @Test
    void theDefaultsAreTheTopicsKafkaDevCreates() {
        KafkaSettings eval = KafkaSettings.forEval(config());
        assertThat(eval.inputTopic()).isEqualTo("arbor-items");
        assertThat(eval.evalOutputs()).containsExactly("arbor-scores", "arbor-aggregates", "arbor-dead-letters");
        assertThat(eval.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(eval.transactionalIdPrefix()).isEqualTo(eval.groupId()).isEqualTo("arbor-eval");
        assertThat(eval.transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(KafkaSettings.forGenerate(config()).outputTopic()).isEqualTo("arbor-results");
        assertThat(KafkaSettings.forGenerate(config()).transactionalIdPrefix()).isEqualTo("arbor-generate");
        assertThat(KafkaOptions.defaultTopics()).containsAll(eval.evalOutputs()).contains(eval.inputTopic(),
                KafkaSettings.forGenerate(config()).outputTopic());
    }

    @Test
    void kafkaIsOnlyWhenABootstrapIsSet() {
        assertThat(KafkaSettings.enabled(new Configuration())).isFalse();
        assertThat(KafkaSettings.enabled(config())).isTrue();
    }

    @Test
    void aBadValueNamesItsKey() {
        Configuration noPort = config();
        noPort.setString("arbor.kafka.bootstrap", "localhost");
        assertThatThrownBy(() -> KafkaSettings.forEval(noPort)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap must be HOST:PORT").hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> KafkaSettings.forEval(config("input-topic", "items/2024")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.input-topic must be a Kafka topic name");
        assertThatThrownBy(() -> KafkaSettings.forEval(config("output-topic", "arbor-items")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.input-topic 'arbor-items' is also an "
                        + "output topic");
        assertThat(KafkaSettings.forEval(config("aggregates-topic", "arbor-scores")).evalTopics())
                .as("two outputs sharing a topic are one topic, not a crash")
                .containsExactly("arbor-items", "arbor-scores", "arbor-dead-letters");
        assertThatThrownBy(() -> KafkaSettings.forEval(config("max-message-bytes", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.max-message-bytes must be >= 1");
        assertThatThrownBy(() -> KafkaSettings.forEval(config("transaction-timeout", "10 ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.transaction-timeout");
    }

    @Test
    void severalBrokersAndClientPropertiesAreAccepted() {
        KafkaSettings settings = KafkaSettings.forEval(config("bootstrap", "a.example:9092, [::1]:9093",
                "client-properties", "security.protocol:SSL"));
        assertThat(settings.bootstrap()).isEqualTo("a.example:9092,[::1]:9093");
        assertThat(settings.clientConfig()).containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "a.example:9092,[::1]:9093");
        KafkaSettings flow = KafkaSettings.forEval(config("bootstrap", "a.example:9092",
                "client-properties", "{sasl.mechanism: PLAIN, sasl.jaas.config: 'Login required user=\"a:b,c\";'}"));
        assertThat(flow.clientConfig()).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "Login required user=\"a:b,c\";");
    }
}
