package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.jobs.io.Origin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
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
    void aWriterThatLostTrackOfItsMessagesSendsOnlyTheMissingOnes() throws Exception {
        KafkaTestTopics topics = KAFKA.topics();
        topics.create(2, "lost-track");
        Map<TopicPartition, Long> before = topics.endOffsets("lost-track");
        List<byte[]> values = IntStream.range(0, 10).mapToObj(i -> ("m" + i).getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        // The broker took the first five (and one was acknowledged), but the writer does not know of the others.
        List<Origin> landed = topics.produce("lost-track", values.subList(0, 5));
        Origin[] places = new Origin[values.size()];
        places[0] = landed.get(0);

        assertThat(topics.complete("lost-track", before, values, places)).isNull();

        assertThat(topics.readCommitted("lost-track")).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(List.of(places).subList(0, 5)).isEqualTo(landed);
        assertThat(List.of(places)).doesNotHaveDuplicates();
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
