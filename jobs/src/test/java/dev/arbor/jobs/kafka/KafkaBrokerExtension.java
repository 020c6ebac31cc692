package dev.arbor.jobs.kafka;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker ({@link LocalKafkaBroker}) per test class, shared by its tests: register it
 * as a {@code static} field with {@code @RegisterExtension}. It starts before the first test and is
 * stopped (its data deleted) after the last. Tests keep apart by using topics of their own.
 */
final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private LocalKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        broker = LocalKafkaBroker.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    LocalKafkaBroker broker() {
        return broker;
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /** Topics, producer and read_committed reader of this broker. */
    KafkaTestTopics topics() {
        return new KafkaTestTopics(broker.bootstrapServers());
    }
}
