package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticVocabTest {

    private static final SyntheticVocab VOCAB = SyntheticVocab.standard();
    private static final String WS = SyntheticVocab.WORD_START;

    @Test
    void hasTheFixedSpecialAndByteLayout() {
        assertThat(VOCAB.size()).isBetween(390, 650);
        assertThat(VOCAB.token(0)).isEqualTo("<unk>");
        assertThat(VOCAB.token(1)).isEqualTo("<s>");
        assertThat(VOCAB.token(2)).isEqualTo("</s>");
        assertThat(VOCAB.type(0)).isEqualTo(SyntheticVocab.TYPE_UNKNOWN);
        assertThat(VOCAB.type(1)).isEqualTo(SyntheticVocab.TYPE_CONTROL);
        assertThat(VOCAB.type(2)).isEqualTo(SyntheticVocab.TYPE_CONTROL);
        for (int b = 0; b < 256; b++) {
            int id = SyntheticVocab.FIRST_BYTE_ID + b;
            assertThat(VOCAB.token(id)).isEqualTo(String.format("<0x%02X>", b));
            assertThat(VOCAB.type(id)).isEqualTo(SyntheticVocab.TYPE_BYTE);
            assertThat(VOCAB.score(id)).isZero();
        }
        assertThat(VOCAB.idOf("<0x0A>")).isEqualTo(13);
    }

    @Test
    void tokensAreUniqueAndPiecesArePrefixClosed() {
        assertThat(new HashSet<>(VOCAB.tokens())).hasSize(VOCAB.size());
        for (int id = SyntheticVocab.FIRST_BYTE_ID + 256; id < VOCAB.size(); id++) {
            String piece = VOCAB.token(id);
            int length = piece.codePointCount(0, piece.length());
            assertThat(VOCAB.type(id)).isEqualTo(SyntheticVocab.TYPE_NORMAL);
            assertThat(VOCAB.score(id)).as(piece).isGreaterThan(length - 0.5f)
                    .isLessThanOrEqualTo(length);
            if (length > 1) {
                assertThat(piece).startsWith(WS);
                String shorter = piece.substring(0, piece.offsetByCodePoints(0, length - 1));
                assertThat(VOCAB.idOf(shorter)).as("prefix of " + piece).isPositive();
            }
        }
    }

    @Test
    void containsSingleCharactersAndCommonWords() {
        String singles = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-";
        for (char c : singles.toCharArray()) {
            assertThat(VOCAB.idOf(String.valueOf(c))).as("'%s'", c).isPositive();
        }
        for (String w : List.of("", "Hello", "world", "how", "are", "you", "the", "The", "tree",
                "search", "Once", "upon", "time")) {
            assertThat(VOCAB.idOf(WS + w)).as(w).isPositive();
        }
    }

    @Test
    void sentencesMergeIntoWholeWords() {
        assertThat(tokenize("Hello world, how are you?")).containsExactly(
                WS + "Hello", WS + "world", ",", WS + "how", WS + "are", WS + "you", "?");
        assertThat(tokenize("Once upon a time")).containsExactly(
                WS + "Once", WS + "upon", WS + "a", WS + "time");
        // Unknown words fall back to shorter pieces; non-ASCII text to UTF-8 byte tokens.
        // (No word starts with x, so "\u2581x" is not a piece and the marker stays alone.)
        assertThat(tokenize("xyz caf\u00e9")).containsExactly(
                WS, "x", "y", "z", WS + "ca", "f", "<0xC3>", "<0xA9>");
    }

    /**
     * A plain re-statement of SentencePiece BPE-style merging as llama.cpp applies it to the
     * "llama" tokenizer model: spaces become the marker, a marker is prefixed, then the adjacent
     * pair whose concatenation is the highest-scoring token is merged (leftmost on ties) until
     * no pair forms a token; characters without a token are spelled as byte tokens.
     */
    private static List<String> tokenize(String text) {
        String s = WS + text.replace(" ", WS);
        List<String> symbols = new ArrayList<>();
        s.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int id = VOCAB.idOf(symbols.get(i) + symbols.get(i + 1));
                if (id >= 0 && VOCAB.score(id) > bestScore) {
                    best = i;
                    bestScore = VOCAB.score(id);
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        List<String> pieces = new ArrayList<>();
        for (String sym : symbols) {
            if (VOCAB.idOf(sym) >= 0) {
                pieces.add(sym);
            } else {
                for (byte b : sym.getBytes(StandardCharsets.UTF_8)) {
                    pieces.add(String.format("<0x%02X>", b & 0xFF));
                }
            }
        }
        return pieces;
    }
}
