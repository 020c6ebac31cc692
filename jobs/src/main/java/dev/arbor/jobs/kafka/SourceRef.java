package dev.arbor.jobs.kafka;

import dev.arbor.jobs.records.RecordTags;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * Where an item came from in Kafka: topic, partition and offset, which name one message for ever.
 * It travels through the search in the request's metadata ({@link #tag}: reserved {@code arbor.}
 * keys, which users cannot set and the scorer strips), and leaves on every output record as
 * headers ({@link #addTo}), so a score, result or dead letter can be traced to its message.
 * A Flink POJO.
 */
public class SourceRef {
    static final String TOPIC = RecordTags.PREFIX + "source.topic";
    static final String PARTITION = RecordTags.PREFIX + "source.partition";
    static final String OFFSET = RecordTags.PREFIX + "source.offset";

    /** Header names of output records. */
    public static final String ID_HEADER = "arbor-id";
    public static final String TOPIC_HEADER = "arbor-source-topic";
    public static final String PARTITION_HEADER = "arbor-source-partition";
    public static final String OFFSET_HEADER = "arbor-source-offset";

    public String topic;
    public int partition;
    public long offset;

    public SourceRef() {}

    public static SourceRef of(String topic, int partition, long offset) {
        SourceRef source = new SourceRef();
        source.topic = topic;
        source.partition = partition;
        source.offset = offset;
        return source;
    }

    /** A copy of {@code metadata} with this source's tags added. */
    public Map<String, String> tag(Map<String, String> metadata) {
        Map<String, String> tagged = new HashMap<>(metadata == null ? Map.of() : metadata);
        tagged.put(TOPIC, topic);
        tagged.put(PARTITION, Integer.toString(partition));
        tagged.put(OFFSET, Long.toString(offset));
        return tagged;
    }

    /** The source tagged in {@code metadata}, or null when it holds none (or a damaged one). */
    public static SourceRef from(Map<String, String> metadata) {
        if (metadata == null || metadata.get(TOPIC) == null) {
            return null;
        }
        try {
            return of(metadata.get(TOPIC), Integer.parseInt(metadata.get(PARTITION)),
                    Long.parseLong(metadata.get(OFFSET)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Adds the item id (when known) and this source as headers. */
    public static void addTo(Headers headers, String id, SourceRef source) {
        if (id != null) {
            headers.add(ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
        }
        if (source != null) {
            headers.add(TOPIC_HEADER, source.topic.getBytes(StandardCharsets.UTF_8));
            headers.add(PARTITION_HEADER, Integer.toString(source.partition).getBytes(StandardCharsets.UTF_8));
            headers.add(OFFSET_HEADER, Long.toString(source.offset).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SourceRef that && partition == that.partition && offset == that.offset
                && Objects.equals(topic, that.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
