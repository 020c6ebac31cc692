package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.BpeTrainer.Merge;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
    /** The space, as the alphabet spells it. */
    private static final String G = ByteLevelAlphabet.symbol(' ');

    @Test
    void mergesTheMostFrequentPairFirstAndStopsWhenNoPairRepeats() {
        // "ab" occurs 3 times; then "ab c" and "\u0120 ab" occur twice each, and "ab c" sorts first
        // (the space's symbol U+0120 sorts after ASCII letters); then every pair occurs once.
        List<Merge> merges = BpeTrainer.learn("abc abc ab cd", 10);
        assertThat(merges).extracting(Merge::text).containsExactly("a b", "ab c");
    }

    @Test
    void breaksTiesByTheMergeText() {
        // "xy" and "yz" both occur twice; "x y" sorts first, and once merged "yz" no longer occurs.
        assertThat(BpeTrainer.learn("xyz xyz", 10)).extracting(Merge::text).containsExactly("x y", "xy z");
    }

    @Test
    void neverMergesAcrossWordBoundaries() {
        // Letters, digits, punctuation and newlines are separate words: "b1", "1.", ".\n" and "\na"
        // occur two or three times each, yet only the pair inside the word "ab" is merged.
        List<Merge> merges = BpeTrainer.learn("ab1.\nab1.\nab1.\n", 10);
        assertThat(merges).extracting(Merge::text).containsExactly("a b");
        assertThat(BpeTrainer.learn(" ab ab ab", 10)).extracting(Merge::text)
                .containsExactly("a b", G + " ab");
    }

    @Test
    void isDeterministicAndHonoursTheLimit() {
        List<Merge> first = BpeTrainer.learn(BpeCorpus.TEXT, 50);
        assertThat(first).hasSize(50).isEqualTo(BpeTrainer.learn(BpeCorpus.TEXT, 50));
        assertThat(BpeTrainer.learn(BpeCorpus.TEXT, 80)).startsWith(first.toArray(new Merge[0]));
    }
}
