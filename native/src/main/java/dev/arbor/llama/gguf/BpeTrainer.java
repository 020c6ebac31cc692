package dev.arbor.llama.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns byte-level BPE merges from a text, deterministically: the same text and limit always
 * give the same merges in the same order.
 *
 * <p>The text is split into words the way qwen-style pre-tokenizers split it (a run of letters
 * with at most one leading space or mark, a single digit, a run of punctuation with at most one
 * leading space, a run of whitespace), so merges never cross a boundary that llama.cpp would not
 * cross either. Each word starts as its bytes in the {@link ByteLevelAlphabet}. Each round merges
 * the adjacent pair that occurs most often over all words, ties going to the pair whose
 * {@link Merge#text()} sorts first, and stops at the limit or when no pair occurs twice.
 */
final class BpeTrainer {
    private static final Pattern WORD = Pattern.compile(
            "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+");

    /** One merge rule: the two adjacent symbols it joins. Neither contains a space. */
    record Merge(String left, String right) {
        /** The merged symbol. */
        String joined() {
            return left + right;
        }

        /** The rule as {@code tokenizer.ggml.merges} spells it: {@code "left right"}. */
        String text() {
            return left + " " + right;
        }
    }

    private BpeTrainer() {
    }

    /** The merges learned from {@code text}, at most {@code limit}, in the order learned. */
    static List<Merge> learn(String text, int limit) {
        Map<String, Word> words = split(text);
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < limit) {
            Merge best = mostFrequentPair(words.values());
            if (best == null) {
                break;
            }
            for (Word w : words.values()) {
                w.apply(best);
            }
            merges.add(best);
        }
        return Collections.unmodifiableList(merges);
    }

    /** Distinct words with their counts, in order of first appearance. */
    private static Map<String, Word> split(String text) {
        Map<String, Word> words = new LinkedHashMap<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.computeIfAbsent(m.group(), Word::new).count++;
        }
        return words;
    }

    /** The pair to merge next, or null when no pair occurs at least twice. */
    private static Merge mostFrequentPair(Iterable<Word> words) {
        Map<Merge, Integer> counts = new HashMap<>();
        for (Word w : words) {
            for (int i = 0; i + 1 < w.symbols.size(); i++) {
                counts.merge(new Merge(w.symbols.get(i), w.symbols.get(i + 1)), w.count, Integer::sum);
            }
        }
        Merge best = null;
        int bestCount = 1;
        for (Map.Entry<Merge, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            if (c > bestCount || (c == bestCount && best != null
                    && e.getKey().text().compareTo(best.text()) < 0)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best;
    }

    /** A distinct word of the text: its current symbols and how often it occurs. */
    private static final class Word {
        final List<String> symbols = new ArrayList<>();
        int count;

        Word(String text) {
            ByteLevelAlphabet.encode(text).codePoints()
                    .forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        }

        /** Joins every occurrence of the pair, left to right. */
        void apply(Merge merge) {
            for (int i = 0; i + 1 < symbols.size(); i++) {
                if (symbols.get(i).equals(merge.left()) && symbols.get(i + 1).equals(merge.right())) {
                    symbols.set(i, merge.joined());
                    symbols.remove(i + 1);
                }
            }
        }
    }
}
