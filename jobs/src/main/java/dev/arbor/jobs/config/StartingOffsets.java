package dev.arbor.jobs.config;

import dev.arbor.annotation.PublicApi;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Where a job that starts afresh begins to read the input topic. A job restored from a checkpoint or
 * savepoint always continues at the offsets in it (offsets live in Flink's state; what the source
 * commits to the consumer group is only for monitoring).
 */
@PublicApi
public enum StartingOffsets {
    /** Where the consumer group stopped, per partition; partitions it never read from the beginning. */
    COMMITTED,
    /** From the beginning of every partition. */
    EARLIEST,
    /** Only messages that arrive after the job started. */
    LATEST;

    /** The connector's initializer for this choice. */
    @SuppressWarnings("deprecation") // the connector 5.0 still takes kafka-clients' OffsetResetStrategy
    public OffsetsInitializer initializer() {
        return switch (this) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(
                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
