package dev.arbor.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.jobs.io.Origin;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reserved metadata tags: an origin goes in and comes back out, and users' keys are never touched. */
class RecordTagsTest {
    @Test
    void everyTagIsReserved() {
        Stream.of(RecordTags.FILE, RecordTags.LINE, RecordTags.TOPIC, RecordTags.PARTITION, RecordTags.OFFSET,
                RecordTags.RAW, RecordTags.REFERENCE, RecordTags.REGEX)
                .forEach(tag -> assertThat(RecordTags.isReserved(tag)).as(tag).isTrue());
        assertThat(RecordTags.isReserved("topic")).isFalse();
    }

    @Test
    void anOriginComesBackAsItWent() {
        for (Origin origin : new Origin[] {Origin.file("s3://bucket/a.jsonl", 7), Origin.message("items", 3, 41)}) {
            Map<String, String> tagged = RecordTags.withOrigin(Map.of("k", "v"), origin);
            assertThat(RecordTags.origin(tagged)).isEqualTo(origin);
            assertThat(RecordTags.strip(tagged)).containsExactly(Map.entry("k", "v"));
        }
    }

    @Test
    void aMissingOrDamagedOriginIsUnknownOrLineZero() {
        assertThat(RecordTags.origin(null)).isNull();
        assertThat(RecordTags.origin(Map.of("k", "v"))).isNull();
        assertThat(RecordTags.origin(Map.of(RecordTags.TOPIC, "t", RecordTags.PARTITION, "x", RecordTags.OFFSET, "1")))
                .isNull();
        assertThat(RecordTags.origin(Map.of(RecordTags.FILE, "a.jsonl", RecordTags.LINE, "x")))
                .isEqualTo(Origin.file("a.jsonl", 0));
    }

    @Test
    void withoutSourceKeepsUsersKeysAndTheEvaluationTags() {
        Map<String, String> metadata = new HashMap<>(RecordTags.withOrigin(Map.of("k", "v", RecordTags.REFERENCE,
                "r"), Origin.message("t", 0, 1)));
        metadata.put(RecordTags.RAW, "{}");
        assertThat(RecordTags.withoutSource(metadata)).containsOnly(Map.entry("k", "v"),
                Map.entry(RecordTags.REFERENCE, "r"));
    }
}
