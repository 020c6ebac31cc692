package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict on the way in (nothing silently dropped), one compact object per line on the way out. */
class JsonLinesTest {
    /** A POJO as the jobs write them: public fields. */
    public static class Row {
        public String name = "a\nb";
        public int count = 2;
    }

    @Test
    void aDuplicateKeyOrTextAfterTheObjectIsAnError() {
        assertThatThrownBy(() -> JsonLines.MAPPER.readTree("{\"a\": 1, \"a\": 2}"))
                .isInstanceOf(JsonProcessingException.class).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> JsonLines.MAPPER.readValue("{\"a\": 1} {}", Map.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void eachRecordIsOneLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLines.<Row>encoder().encode(new Row(), out);
        JsonLines.<Row>encoder(row -> Map.of("n", row.count)).encode(new Row(), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"a\\nb\",\"count\":2}\n{\"n\":2}\n");
    }
}
