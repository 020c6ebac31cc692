package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The launcher itself: a real broker in its own JVM that serves clients, survives a restart, and
 * says why it cannot start.
 */
class LocalKafkaBrokerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aRestartedBrokerKeepsItsTopicsAndMessagesAtTheSameAddress() throws Exception {
        KafkaTestTopics topics = KAFKA.topics();
        topics.create(2, "restart-me");
        topics.produceText("restart-me", List.of("one", "two", "three"));

        KAFKA.broker().stop();
        assertThat(KAFKA.broker().isRunning()).isFalse();
        assertThat(accepts(KAFKA.broker().port())).as("nothing listens while it is stopped").isFalse();
        KAFKA.broker().start();

        assertThat(topics.readCommitted("restart-me")).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("one", "two", "three");
        assertThat(KAFKA.broker().logTail(200)).contains("Kafka Server started");
    }

    @Test
    void theBrokerRunsFromItsOwnFolderNotFromArborsClassPath() {
        String arborClassPath = System.getProperty("java.class.path");
        List<String> brokerOnly = List.of("kafka_2.13-", "kafka-server-", "scala-library-", "kafka-raft-");
        assertThat(brokerOnly).allSatisfy(jar -> assertThat(arborClassPath).doesNotContain(jar));
        assertThat(KAFKA.broker().jars().folder().toFile().list()).anyMatch(name -> name.startsWith("kafka_2.13-"));
        assertThat(KAFKA.broker().jars().version()).matches("4\\.[0-9]+\\.[0-9]+");
    }

    @Test
    void aPortInUseIsAClearErrorAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(LocalKafkaBroker.HOST, 0));
            assertThatThrownBy(() -> LocalKafkaBroker.builder().port(taken.getLocalPort()).start())
                    .isInstanceOf(IOException.class).hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LocalKafkaBroker.HOST, port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
