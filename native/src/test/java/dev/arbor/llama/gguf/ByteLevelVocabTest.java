package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ByteLevelVocabTest {
    private static final ByteLevelVocab VOCAB = ByteLevelVocab.standard();
    private static final String G = ByteLevelAlphabet.symbol(' ');

    @Test
    void bytesComeFirstInByteOrderAndControlTokensLast() {
        assertThat(VOCAB.size()).isBetween(500, 700);
        for (int b = 0; b < 256; b++) {
            assertThat(VOCAB.token(b)).isEqualTo(ByteLevelAlphabet.symbol(b));
            assertThat(VOCAB.type(b)).isEqualTo(SyntheticVocab.TYPE_NORMAL);
            assertThat(VOCAB.bytes(b)).containsExactly((byte) b);
        }
        int n = VOCAB.size();
        assertThat(VOCAB.tokens().subList(n - 3, n)).containsExactly("<|endoftext|>", "<|im_start|>", "<|im_end|>");
        assertThat(List.of(VOCAB.endOfTextId(), VOCAB.turnStartId(), VOCAB.turnEndId()))
                .containsExactly(n - 3, n - 2, n - 1);
        for (int id = n - 3; id < n; id++) {
            assertThat(VOCAB.type(id)).isEqualTo(SyntheticVocab.TYPE_CONTROL);
        }
        for (int id = 256; id < n - 3; id++) {
            assertThat(VOCAB.type(id)).isEqualTo(SyntheticVocab.TYPE_NORMAL);
        }
    }

    @Test
    void everyMergeJoinsTwoTokensIntoATokenAndEveryLongerTokenComesFromAMerge() {
        assertThat(new HashSet<>(VOCAB.tokens())).hasSize(VOCAB.size());
        assertThat(VOCAB.merges()).hasSizeBetween(300, ByteLevelVocab.MAX_MERGES);
        assertThat(new HashSet<>(VOCAB.merges())).hasSameSizeAs(VOCAB.merges());
        Set<String> joined = new HashSet<>();
        for (String merge : VOCAB.merges()) {
            String[] parts = merge.split(" ");
            assertThat(parts).as(merge).hasSize(2);
            assertThat(VOCAB.idOf(parts[0])).as(merge).isNotNegative();
            assertThat(VOCAB.idOf(parts[1])).as(merge).isNotNegative();
            assertThat(VOCAB.idOf(parts[0] + parts[1])).as(merge).isGreaterThanOrEqualTo(256);
            joined.add(parts[0] + parts[1]);
        }
        for (int id = 256; id < VOCAB.size() - 3; id++) {
            assertThat(joined).contains(VOCAB.token(id));
        }
    }

    @Test
    void commonWordsAndSomeNonEnglishOnesAreWholeTokens() {
        for (String word : List.of("Hello", " world", " the", " tree", " search", " king", " story", " time",
                " night", "Once", "你好", "世界", "こんにちは")) {
            assertThat(VOCAB.idOf(ByteLevelAlphabet.encode(word))).as(word).isGreaterThanOrEqualTo(256);
        }
    }

    @Test
    void sentencesMergeIntoWholeWords() {
        assertThat(tokenize("Hello world, how are you?")).containsExactly(
                "Hello", G + "world", ",", G + "how", G + "are", G + "you", "?");
        assertThat(tokenize("Once upon a time")).containsExactly("Once", G + "upon", G + "a", G + "time");
        // What the corpus never saw falls back to shorter pieces, down to single bytes.
        assertThat(tokenize("zq 日")).containsExactly("z", "q", G, "æ", "Ĺ", "¥");
    }

    @Test
    void textTokensAreWholePrintableCharacters() {
        assertThat(VOCAB.isText(VOCAB.idOf("a"))).isTrue();
        assertThat(VOCAB.isText(VOCAB.idOf(G + "the"))).isTrue();
        assertThat(VOCAB.isText('\n')).isTrue();
        assertThat(VOCAB.isText(VOCAB.idOf(ByteLevelAlphabet.encode("世界")))).isTrue();
        assertThat(VOCAB.isText(0)).as("NUL").isFalse();
        assertThat(VOCAB.isText(0x7F)).as("DEL").isFalse();
        assertThat(VOCAB.isText(0xE4)).as("lead byte of a CJK character").isFalse();
        assertThat(VOCAB.isText(VOCAB.turnEndId())).isFalse();
        int partial = 0;
        for (int id = 256; id < VOCAB.size() - 3; id++) {
            byte[] bytes = VOCAB.bytes(id);
            boolean whole = new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length
                    == bytes.length && !new String(bytes, StandardCharsets.UTF_8).contains("\uFFFD");
            assertThat(VOCAB.isText(id)).as(VOCAB.token(id)).isEqualTo(whole);
            partial += whole ? 0 : 1;
        }
        assertThat(partial).as("merges inside multi-byte characters").isPositive();
    }

    /**
     * A plain re-statement of byte-level BPE as llama.cpp applies it: split the text into words
     * (letters with one leading space or mark, single digits, punctuation with one leading space,
     * whitespace), spell each in the byte-level alphabet, then repeatedly merge the adjacent pair
     * with the best (lowest) merge rank until no pair has one.
     */
    private static List<String> tokenize(String text) {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < VOCAB.merges().size(); i++) {
            rank.put(VOCAB.merges().get(i), i);
        }
        List<String> out = new ArrayList<>();
        Matcher words = Pattern.compile("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+")
                .matcher(text);
        while (words.find()) {
            List<String> symbols = new ArrayList<>();
            ByteLevelAlphabet.encode(words.group()).codePoints()
                    .forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            while (true) {
                int best = -1;
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    Integer r = rank.get(symbols.get(i) + " " + symbols.get(i + 1));
                    if (r != null && (best < 0 || r < rank.get(symbols.get(best) + " " + symbols.get(best + 1)))) {
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
            }
            out.addAll(symbols);
        }
        return out;
    }
}
