package dev.arbor.search;

import dev.arbor.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one model writes a given text in tokens that a grammar accepts one by one: the model's own
 * tokenizer when its tokens spell exactly that text (a SentencePiece vocabulary, say, may add a
 * leading space, which the grammar would refuse), else the longest vocabulary pieces, greedily.
 * Single bytes finish a character a token left half written.
 *
 * <p>Invariant: every spelling it returns is tokens whose plain pieces, concatenated, are the
 * text's bytes, none of them an end-of-generation or control token, so it never has more tokens
 * than the text has bytes. {@link #spellsEveryByte()} says whether every byte UTF-8 text may hold
 * has a token of its own, which makes "a text of n bytes takes at most n tokens" true of every
 * text. One per model ({@link #of}); thread-safe, the vocabulary scan done once, on first need.
 */
final class TokenSpelling {
    /** Models seen lately (identity keys), so a JVM that loads many models one after another keeps few. */
    private static final int MODELS_KEPT = 8;
    private static final Map<LlamaModel, TokenSpelling> BY_MODEL = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LlamaModel, TokenSpelling> eldest) {
            return size() > MODELS_KEPT;
        }
    };

    private final LlamaModel model;
    private volatile Vocabulary vocabulary;

    /** Pieces of the vocabulary, by their bytes (as ISO-8859-1 text, one char a byte). */
    private record Vocabulary(Map<String, Integer> byPiece, int longestPiece, int[] byteToken, boolean everyByte) {}

    private TokenSpelling(LlamaModel model) {
        this.model = model;
    }

    static TokenSpelling of(LlamaModel model) {
        synchronized (BY_MODEL) {
            return BY_MODEL.computeIfAbsent(model, TokenSpelling::new);
        }
    }

    /** Whether every byte value a UTF-8 text may contain (except NUL) is a token's whole piece. */
    boolean spellsEveryByte() {
        return vocabulary().everyByte();
    }

    /** Tokens that write {@code pending} (the rest of a character) then {@code text}; null if it cannot. */
    int[] spell(byte[] pending, String text) {
        int[] head = new int[pending.length];
        for (int i = 0; i < pending.length; i++) {
            head[i] = vocabulary().byteToken()[pending[i] & 0xFF];
            if (head[i] < 0) {
                return null;
            }
        }
        int[] rest = spell(text);
        if (rest == null) {
            return null;
        }
        if (head.length == 0) {
            return rest;
        }
        int[] all = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    /** Tokens that write {@code text} exactly; null when the vocabulary cannot. */
    int[] spell(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = model.tokenize(text, false, false);
        if (spellsExactly(tokens, bytes)) {
            return tokens;
        }
        return greedy(bytes);
    }

    private boolean spellsExactly(int[] tokens, byte[] bytes) {
        int at = 0;
        for (int token : tokens) {
            if (model.isEndOfGeneration(token)) {
                return false;
            }
            byte[] piece = model.tokenPiece(token);
            if (piece.length == 0 || piece[0] == 0 || at + piece.length > bytes.length
                    || !Arrays.equals(piece, model.grammarPiece(token))
                    || !Arrays.equals(piece, 0, piece.length, bytes, at, at + piece.length)) {
                return false;
            }
            at += piece.length;
        }
        return at == bytes.length;
    }

    /** Longest known piece first, at every position. */
    private int[] greedy(byte[] bytes) {
        Vocabulary vocab = vocabulary();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int[] out = new int[bytes.length];
        int n = 0;
        for (int at = 0; at < text.length(); ) {
            int taken = 0;
            for (int length = Math.min(vocab.longestPiece(), text.length() - at); length > 0 && taken == 0; length--) {
                Integer token = vocab.byPiece().get(text.substring(at, at + length));
                if (token != null) {
                    out[n++] = token;
                    taken = length;
                }
            }
            if (taken == 0) {
                return null;
            }
            at += taken;
        }
        return Arrays.copyOf(out, n);
    }

    private Vocabulary vocabulary() {
        Vocabulary known = vocabulary;
        if (known == null) {
            synchronized (this) {
                known = vocabulary;
                if (known == null) {
                    known = scan();
                    vocabulary = known;
                }
            }
        }
        return known;
    }

    /** One pass over the vocabulary: the plain pieces a grammar reads the same way llama.cpp does. */
    private Vocabulary scan() {
        Map<String, Integer> byPiece = new HashMap<>();
        int[] byteToken = new int[256];
        Arrays.fill(byteToken, -1);
        int longest = 0;
        for (int token = 0; token < model.nVocab(); token++) {
            byte[] piece = model.tokenPiece(token);
            // Control tokens have no plain piece; their text is not what the grammar would read.
            if (piece.length == 0 || piece[0] == 0 || model.isEndOfGeneration(token)
                    || !Arrays.equals(piece, model.grammarPiece(token))) {
                continue;
            }
            byPiece.putIfAbsent(new String(piece, StandardCharsets.ISO_8859_1), token);
            longest = Math.max(longest, piece.length);
            if (piece.length == 1 && byteToken[piece[0] & 0xFF] < 0) {
                byteToken[piece[0] & 0xFF] = token;
            }
        }
        boolean everyByte = true;
        for (int b = 1; b < 256; b++) {
            boolean inUtf8 = b != 0xC0 && b != 0xC1 && b < 0xF5;
            everyByte &= !inUtf8 || byteToken[b] >= 0;
        }
        return new Vocabulary(Map.copyOf(byPiece), longest, byteToken, everyByte);
    }
}
