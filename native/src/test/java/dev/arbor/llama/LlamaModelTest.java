package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticVocab;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlamaModelTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void reportsVocabAndSpecialTokens() {
        assertThat(model.nVocab()).isEqualTo(SyntheticVocab.standard().size());
        assertThat(model.bos()).isEqualTo(1);
        assertThat(model.eos()).isEqualTo(2);
        assertThat(model.isEndOfGeneration(model.eos())).isTrue();
        assertThat(model.isEndOfGeneration(model.bos())).isFalse();
        assertThat(model.nCtxTrain()).isEqualTo(2048);
        assertThat(model.description()).startsWith("llama");
        assertThat(model.parameterCount()).isPositive();
    }

    @Test
    void asciiRoundTripsThroughWholeWordPieces() {
        String text = "once upon a time there was a king and the king had a big house";
        int[] tokens = model.tokenize(text, true, false);
        assertThat(tokens[0]).isEqualTo(model.bos());
        // Whole words, not letters: far fewer tokens than characters.
        assertThat(tokens.length).isLessThan(text.length() / 2);
        assertThat(model.detokenize(tokens)).isEqualTo(text);
        assertThat(model.tokenize(text, false, false)).doesNotContain(model.bos());
    }

    @Test
    void multiByteUtf8RoundTripsEvenWhenACharacterIsSplitAcrossPieces() {
        String text = "café 日本語 and ünïcödé ✓";
        int[] tokens = model.tokenize(text, false, false);
        assertThat(model.detokenize(tokens)).isEqualTo(text);

        // '日' is not in the vocab, so it falls back to its three UTF-8 bytes, one token each.
        int[] kanji = model.tokenize("日", false, false);
        List<byte[]> pieces = new ArrayList<>();
        for (int token : kanji) {
            pieces.add(model.tokenPiece(token));
        }
        assertThat(pieces.stream().filter(p -> p.length == 1).count()).isGreaterThanOrEqualTo(3);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        pieces.forEach(joined::writeBytes);
        assertThat(new String(joined.toByteArray(), StandardCharsets.UTF_8).strip()).isEqualTo("日");
        // A lone piece of it is not valid UTF-8 on its own.
        byte[] last = pieces.get(pieces.size() - 1);
        assertThat(new String(last, StandardCharsets.UTF_8)).isEqualTo("\uFFFD");
    }

    @Test
    void tokenPieceGivesTheWordBytes() {
        int[] tokens = model.tokenize("hello", false, false);
        StringBuilder text = new StringBuilder();
        for (int token : tokens) {
            text.append(new String(model.tokenPiece(token), StandardCharsets.UTF_8));
        }
        assertThat(text.toString()).isEqualTo(" hello");
        assertThat(model.tokenPiece(model.eos())).isEmpty();
    }

    @Test
    void parseSpecialTurnsControlTextIntoControlTokens() {
        assertThat(model.tokenize("</s>", false, true)).containsExactly(model.eos());
        assertThat(model.tokenize("</s>", false, false)).doesNotContain(model.eos());
    }

    @Test
    void tokenizesConcurrentlyWithTheSameResults() throws Exception {
        String[] texts = {"hello world", "the cat sat on the mat", "café au lait", "one two three four five"};
        int[][] expected = Arrays.stream(texts).map(t -> model.tokenize(t, true, false)).toArray(int[][]::new);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        int i = round % texts.length;
                        if (!Arrays.equals(expected[i], model.tokenize(texts[i], true, false))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
