package dev.arbor.jobs.io;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.function.Function;
import org.apache.flink.api.common.serialization.Encoder;

/**
 * JSON Lines: the one {@link ObjectMapper} of the jobs, strict on input (a duplicate key or text
 * after the object is an error, not silently dropped), and a FileSink {@link Encoder} that writes
 * one compact JSON object per line.
 */
@Internal
public final class JsonLines {
    /** Thread-safe once configured; shared by parsers and encoders. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonLines() {}

    /** A serializable conversion of a record to what Jackson writes (a JsonNode or a POJO). */
    @FunctionalInterface
    public interface ToJson<T> extends Function<T, Object>, Serializable {}

    /** Writes records as they are (POJOs with public fields). */
    public static <T> Encoder<T> encoder() {
        return new LineEncoder<>(record -> record);
    }

    /** Writes records converted by {@code toJson} first. */
    public static <T> Encoder<T> encoder(ToJson<T> toJson) {
        return new LineEncoder<>(toJson);
    }

    private static final class LineEncoder<T> implements Encoder<T> {
        private static final long serialVersionUID = 1L;
        private final ToJson<T> toJson;

        LineEncoder(ToJson<T> toJson) {
            this.toJson = toJson;
        }

        @Override
        public void encode(T record, OutputStream stream) throws IOException {
            stream.write(MAPPER.writeValueAsBytes(toJson.apply(record)));
            stream.write('\n');
        }
    }
}
