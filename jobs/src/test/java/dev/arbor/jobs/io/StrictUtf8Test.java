package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** UTF-8 or nothing: never a replacement character in place of what was sent. */
class StrictUtf8Test {
    @Test
    void utf8IsDecoded() {
        byte[] bytes = "h\u00e9llo \uD83C\uDF33".getBytes(StandardCharsets.UTF_8);
        assertThat(StrictUtf8.decodeOrNull(bytes)).isEqualTo("h\u00e9llo \uD83C\uDF33");
        assertThat(StrictUtf8.decodeOrNull(bytes, 1, 2)).isEqualTo("\u00e9");
        assertThat(StrictUtf8.problem(bytes)).isNull();
    }

    @Test
    void anythingElseIsRefusedNamingTheByte() {
        byte[] bytes = {'a', 'b', (byte) 0xC3, (byte) 0x28};
        assertThat(StrictUtf8.decodeOrNull(bytes)).isNull();
        assertThat(StrictUtf8.problem(bytes)).isEqualTo("invalid UTF-8 at byte 2 (1 byte)");
        assertThat(StrictUtf8.decodeOrNull(new byte[] {(byte) 0xE2, (byte) 0x82})).as("cut inside a character")
                .isNull();
    }
}
