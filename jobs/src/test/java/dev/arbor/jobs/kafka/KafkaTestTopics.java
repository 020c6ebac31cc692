package dev.arbor.jobs.kafka;

import dev.arbor.jobs.io.Origin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
     * When a producer loses track of what the broker took (seen once right after a broker restart: the
     * producer's retried batch refused as out of order until it expired, the broker holding a sequence
     * the client had given up on), the test does what a careful upstream writer does: it reads what
     * landed in the topic since the call began and sends only the missing messages again, with a
     * fresh producer. So each message is in the topic once either way (tombstones, which cannot be
     * told apart by content, are not recovered).
     *
     * @return where each message landed, in the order given
     */
    List<Origin> produce(String topic, List<byte[]> values) throws Exception {
        Map<TopicPartition, Long> before = endOffsets(topic);
        Origin[] places = new Origin[values.size()];
        Throwable failure = send(topic, values, allIndices(values.size()), places);
        if (failure != null && values.stream().noneMatch(Objects::isNull)) {
            failure = complete(topic, before, values, places);
        }
        if (failure != null) {
            throw new IllegalStateException("the broker did not take a message for " + topic + ": " + failure
                    + "\nbroker log:\n" + brokerLog(), failure);
        }
        return List.of(places);
    }

    List<Origin> produceText(String topic, List<String> lines) throws Exception {
        return produce(topic, lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8))
                .collect(Collectors.toList()));
    }

    /** Sends {@code values} at {@code indices}, filling their places; the first delivery failure, or null. */
    private Throwable send(String topic, List<byte[]> values, List<Integer> indices, Origin[] places)
            throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int index : indices) {
                sent.add(producer.send(new ProducerRecord<>(topic, values.get(index))));
            }
            producer.flush();
            Throwable failure = null;
            for (int i = 0; i < sent.size(); i++) {
                try {
                    RecordMetadata metadata = sent.get(i).get(DELIVERY_PATIENCE.toSeconds() + 30, TimeUnit.SECONDS);
                    places[indices.get(i)] = Origin.message(topic, metadata.partition(), metadata.offset());
                } catch (ExecutionException | TimeoutException e) {
                    failure = failure != null ? failure : e instanceof ExecutionException ? e.getCause() : e;
                }
            }
            return failure;
        }
    }

    /**
     * The recovery of {@link #produce}: the messages without a place that are not in {@code topic}
     * past {@code before} are sent again (the others get the place where their content landed).
     *
     * @return the first delivery failure of that second send, or null
     */
    Throwable complete(String topic, Map<TopicPartition, Long> before, List<byte[]> values, Origin[] places)
            throws InterruptedException {
        List<Integer> missing = notLanded(topic, before, values, places);
        return missing.isEmpty() ? null : send(topic, values, missing, places);
    }

    /** Where each partition of {@code topic} ends now. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            return consumer.endOffsets(partitionsOf(consumer, topic));
        }
    }

    /**
     * The indices of the messages without a place that are not in {@code topic} past {@code before};
     * the others get the place where their content landed (each landed record matched once).
     */
    private List<Integer> notLanded(String topic, Map<TopicPartition, Long> before, List<byte[]> values,
            Origin[] places) {
        Map<ByteBuffer, Deque<Origin>> landed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readFrom(topic, before)) {
            if (record.value() != null) {
                landed.computeIfAbsent(ByteBuffer.wrap(record.value()), v -> new ArrayDeque<>())
                        .add(Origin.message(topic, record.partition(), record.offset()));
            }
        }
        for (int i = 0; i < places.length; i++) {
            Deque<Origin> same = landed.get(ByteBuffer.wrap(values.get(i)));
            if (places[i] != null && same != null) {
                same.remove(places[i]); // delivered and acknowledged: not a candidate for another message
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (places[i] == null) {
                Deque<Origin> same = landed.get(ByteBuffer.wrap(values.get(i)));
                if (same != null && !same.isEmpty()) {
                    places[i] = same.poll();
                } else {
                    missing.add(i);
                }
            }
        }
        return missing;
    }

    private static List<Integer> allIndices(int count) {
        return IntStream.range(0, count).boxed().collect(Collectors.toList());
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
    }

    /** Every committed record of {@code topic}, up to its last stable offset now. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readFrom(topic, null);
    }

    /** The committed records of {@code topic} from {@code from} (null: the beginning) to its last stable offsets now. */
    private List<ConsumerRecord<byte[], byte[]>> readFrom(String topic, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            if (from != null) {
                from.forEach(consumer::seek);
            }
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
