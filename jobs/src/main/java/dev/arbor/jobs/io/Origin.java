package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.util.Objects;

/**
 * Where an input record came from, naming it for ever: a file and the record's place in it, or a
 * topic, partition and offset. Every source gives its records one ({@link InputRecord#origin}); it
 * travels through the search in the request's metadata (reserved tags, see {@code RecordTags}) and
 * names the record in its rejection, its dead letter and the headers of its outputs. A Flink POJO.
 *
 * <p>Invariants: {@link #source} is set; {@link #partition} is -1 exactly for a {@link Kind#FILE};
 * {@link #position} is a 1-based line or record number in a file (0 when unknown) and an offset in
 * a topic's partition.
 */
@Internal
public class Origin {
    /** What kind of place {@link #source} is. */
    public enum Kind {
        /** A file: a path for local files, a URI otherwise. */
        FILE,
        /** A message of a Kafka topic. */
        MESSAGE
    }

    public Kind kind;
    /** The file, or the topic. */
    public String source;
    /** The topic's partition; -1 for a file. */
    public int partition = -1;
    /** The 1-based line (JSONL) or record number (Avro) in a file; the offset in a topic's partition. */
    public long position;

    public Origin() {}

    /** Line (JSONL) or record number (Avro, damage included) {@code line} of {@code file}. */
    public static Origin file(String file, long line) {
        return of(Kind.FILE, file, -1, line);
    }

    /** The message at {@code offset} of partition {@code partition} of {@code topic}. */
    public static Origin message(String topic, int partition, long offset) {
        return of(Kind.MESSAGE, topic, partition, offset);
    }

    private static Origin of(Kind kind, String source, int partition, long position) {
        Origin origin = new Origin();
        origin.kind = kind;
        origin.source = source;
        origin.partition = partition;
        origin.position = position;
        return origin;
    }

    /** Whether the record was a message (a stream of its own) rather than a part of a file. */
    public boolean isMessage() {
        return kind == Kind.MESSAGE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Origin that && kind == that.kind && partition == that.partition
                && position == that.position && Objects.equals(source, that.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, source, partition, position);
    }

    /** {@code file:line}, or {@code topic-partition@offset} as Kafka's tools write it. */
    @Override
    public String toString() {
        return isMessage() ? source + "-" + partition + "@" + position : source + ":" + position;
    }
}
