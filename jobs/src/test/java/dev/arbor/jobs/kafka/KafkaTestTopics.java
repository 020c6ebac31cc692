package dev.arbor.jobs.kafka;

import dev.arbor.jobs.io.Origin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka tests do to a broker with plain Kafka clients: create topics, produce messages (as
 * any upstream system would), and read a topic the way a downstream reader of exactly-once output
 * must: {@code isolation.level=read_committed}, so only records of committed transactions count.
 */
final class KafkaTestTopics {
    /** How long a test waits for the broker to take a message: generous, a CI machine may be busy. */
    private static final Duration DELIVERY_PATIENCE = Duration.ofMinutes(2);

    private final LocalKafkaBroker broker;
    private final String bootstrap;

    KafkaTestTopics(LocalKafkaBroker broker) {
        this.broker = broker;
        this.bootstrap = broker.bootstrapServers();
    }

    /** Creates the topics and returns once every partition has a leader ({@link LocalKafkaBroker#createTopics}). */
    void create(int partitions, String... topics) throws Exception {
        broker.createTopics(partitions, List.of(topics));
    }

    /**
     * Sends the messages (keyless; a null value is a tombstone) and waits until the broker has them all.
     *
     * @return where each message landed, in the order given
     */
    List<Origin> produce(String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (byte[] value : values) {
                sent.add(producer.send(new ProducerRecord<>(topic, value)));
            }
            producer.flush();
            List<Origin> places = new ArrayList<>();
            for (Future<RecordMetadata> future : sent) {
                RecordMetadata metadata = delivered(future, topic);
                places.add(Origin.message(topic, metadata.partition(), metadata.offset()));
            }
            return places;
        }
    }

    private RecordMetadata delivered(Future<RecordMetadata> future, String topic) throws Exception {
        try {
            return future.get(DELIVERY_PATIENCE.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take a message for " + topic + ": " + e.getCause()
                    + "\nbroker log:\n" + brokerLog(), e.getCause());
        }
    }

    List<Origin> produceText(String topic, List<String> lines) throws Exception {
        return produce(topic, lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList()));
    }

    /** Every committed record of {@code topic}, up to its last stable offset now. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Reads {@code topic} until its committed records satisfy {@code done}; fails after {@code patience}. */
    List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic);
            if (done.test(records)) {
                return records;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + patience.toSeconds() + " s, " + topic + " holds " + records.size()
                        + " committed records, not what the test waits for; broker log:\n" + brokerLog());
            }
            Thread.sleep(300);
        }
    }

    private String brokerLog() {
        return broker.logTail(40);
    }

    private Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_PATIENCE.toMillis());
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30000);
        return properties;
    }

    private Properties consumerProperties() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return properties;
    }
}
