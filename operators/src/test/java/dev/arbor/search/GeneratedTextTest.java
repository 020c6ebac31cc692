package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedTextTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void stopStringsMatchAcrossTokenBoundariesAndAreCut() {
        GeneratedText text = new GeneratedText();
        List<String> stops = List.of("lo, w", "never");
        assertThat(text.append(bytes(" Hel"), stops)).isFalse();
        assertThat(text.append(bytes("lo,"), stops)).isFalse();
        assertThat(text.append(bytes(" wor"), stops)).isTrue();
        assertThat(text.text()).isEqualTo(" Hel");
        assertThat(text.append(bytes("ld"), stops)).as("stays stopped").isTrue();
        assertThat(text.text()).isEqualTo(" Hel");
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        GeneratedText text = new GeneratedText();
        assertThat(text.append(bytes("abc STOP def END"), List.of("END", "STOP"))).isTrue();
        assertThat(text.text()).isEqualTo("abc ");
    }

    @Test
    void aCharacterSplitAcrossPiecesWaitsForItsLastByte() {
        byte[] e = bytes("é"); // C3 A9
        byte[] kanji = bytes("日"); // E6 97 A5
        GeneratedText text = new GeneratedText();
        text.append(bytes("caf"), List.of());
        text.append(new byte[] {e[0]}, List.of());
        assertThat(text.text()).as("partial character held back").isEqualTo("caf");
        text.append(new byte[] {e[1]}, List.of());
        assertThat(text.text()).isEqualTo("café");
        text.append(new byte[] {kanji[0], kanji[1]}, List.of());
        assertThat(text.text()).as("generation ending mid-character drops the partial one").isEqualTo("café");
        assertThat(bytes(text.text())).isEqualTo(bytes("café"));
    }

    @Test
    void aStopStringInsideAMultiByteRunIsFoundOnceTheCharacterCompletes() {
        byte[] kanji = bytes("日本");
        GeneratedText text = new GeneratedText();
        assertThat(text.append(new byte[] {kanji[0], kanji[1]}, List.of("本"))).isFalse();
        assertThat(text.append(new byte[] {kanji[2], kanji[3], kanji[4]}, List.of("本"))).isFalse();
        assertThat(text.append(new byte[] {kanji[5]}, List.of("本"))).isTrue();
        assertThat(text.text()).isEqualTo("日");
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() {
        GeneratedText text = new GeneratedText();
        text.append(new byte[] {'a', (byte) 0xFF, 'b'}, List.of());
        assertThat(text.text()).isEqualTo("a\uFFFDb");
    }

    @Test
    void copiesAreIndependent() {
        GeneratedText text = new GeneratedText();
        text.append(bytes("one"), List.of());
        GeneratedText copy = text.copy();
        copy.append(bytes(" two"), List.of());
        assertThat(text.text()).isEqualTo("one");
        assertThat(copy.text()).isEqualTo("one two");
    }
}
