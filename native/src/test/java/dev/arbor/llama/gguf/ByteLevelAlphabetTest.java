package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

    @Test
    void mapsThe256BytesToDistinctPrintableCodePoints() {
        Set<Integer> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            int cp = ByteLevelAlphabet.codePoint(b);
            assertThat(seen.add(cp)).as("byte %d", b).isTrue();
            assertThat(Character.isISOControl(cp) || Character.isWhitespace(cp)).as("byte %d", b).isFalse();
            assertThat(ByteLevelAlphabet.symbol(b)).doesNotContain(" ");
        }
    }

    @Test
    void visibleLatin1StandsForItselfAndTheRestCountsUpFrom256() {
        assertThat(ByteLevelAlphabet.symbol('a')).isEqualTo("a");
        assertThat(ByteLevelAlphabet.symbol('!')).isEqualTo("!");
        assertThat(ByteLevelAlphabet.codePoint(0xE9)).isEqualTo(0xE9);
        assertThat(ByteLevelAlphabet.codePoint(0x00)).isEqualTo(256);
        assertThat(ByteLevelAlphabet.symbol('\n')).isEqualTo("\u010A");
        assertThat(ByteLevelAlphabet.symbol(' ')).isEqualTo("\u0120");
        assertThat(ByteLevelAlphabet.codePoint(0x7F)).isEqualTo(256 + 33);
        assertThat(ByteLevelAlphabet.codePoint(0xAD)).isEqualTo(256 + 67);
    }

    @Test
    void encodeAndDecodeAreInverse() {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        assertThat(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(all))).isEqualTo(all);
        String text = " Hello, 世界 🌳\n";
        String spelled = ByteLevelAlphabet.encode(text);
        assertThat(spelled).startsWith("\u0120Hello,").doesNotContain(" ", "\n");
        assertThat(spelled.codePointCount(0, spelled.length()))
                .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(new String(ByteLevelAlphabet.decode(spelled), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void decodeRejectsCharactersOutsideTheAlphabet() {
        assertThatThrownBy(() -> ByteLevelAlphabet.decode("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0020");
        assertThatThrownBy(() -> ByteLevelAlphabet.decode("世")).isInstanceOf(IllegalArgumentException.class);
    }
}
