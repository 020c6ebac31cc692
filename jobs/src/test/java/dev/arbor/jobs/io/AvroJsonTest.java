package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Avro records as people read JSON: unions as their value, null metadata values as null again. */
class AvroJsonTest {
    @Test
    void unionsAreTheirValueAndNullMetadataKeysComeBackAsNull() {
        PromptRequest request = PromptRequest.newBuilder().setId("q").setPrompt("p").setWidth(3)
                .setMetadata(Map.of("k", "v")).setNullMetadataKeys(List.of("gone")).build();
        var json = AvroJson.toJson(request);
        assertThat(json.get("id").asText()).isEqualTo("q");
        assertThat(json.get("width").asInt()).isEqualTo(3);
        assertThat(json.get("temperature").isNull()).isTrue();
        assertThat(json.get("metadata").get("k").asText()).isEqualTo("v");
        assertThat(json.get("metadata").get("gone").isNull()).isTrue();
        assertThat(json.has("nullMetadataKeys")).isFalse();
        assertThat(json.fieldNames()).toIterable().first().isEqualTo("id");
    }

    @Test
    void nullKeysJoinTheMetadataAsNull() {
        assertThat(AvroJson.withNullKeys(Map.of("k", "v"), List.of("gone"))).containsEntry("k", "v")
                .containsEntry("gone", null).hasSize(2);
        assertThat(AvroJson.withNullKeys(null, null)).isEmpty();
    }
}
