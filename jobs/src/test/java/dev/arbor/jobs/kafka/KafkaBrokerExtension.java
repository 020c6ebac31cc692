package dev.arbor.jobs.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker ({@link LocalKafkaBroker}) per test class, shared by its tests: register it
 * as a {@code static} field with {@code @RegisterExtension}. It starts before the first test and is
 * stopped (its data deleted, its log kept in target/kafka-logs/) after the last. Tests keep apart by
 * using topics of their own.
 */
final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private LocalKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        broker = LocalKafkaBroker.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (broker != null) {
            keepLog(context.getRequiredTestClass().getSimpleName());
            broker.close();
        }
    }

    /** The broker's log outlives its data folder, in target/kafka-logs/, for whoever reads a failed build. */
    private void keepLog(String testClass) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "kafka-logs"));
        Path log = broker.directory().resolve(LocalKafkaBroker.LOG);
        if (Files.exists(log)) {
            Files.copy(log, logs.resolve(testClass + "-broker.log"), StandardCopyOption.REPLACE_EXISTING);
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
        return new KafkaTestTopics(broker);
    }
}
