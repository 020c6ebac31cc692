package dev.arbor.llama.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small SentencePiece-style ("llama" tokenizer model) vocabulary for synthetic models.
 *
 * <p>Layout, fixed because llama.cpp and callers depend on it: id 0 {@code <unk>}, 1 {@code <s>}
 * (BOS), 2 {@code </s>} (EOS), then the 256 byte tokens {@code <0x00>}..{@code <0xFF>} in byte
 * order (llama.cpp needs all of them: text that no piece covers, and every newline, is spelled
 * with these), then the text pieces. Pieces are the word-start marker {@link #WORD_START} alone,
 * single ASCII letters, digits and punctuation, and a list of common English words as
 * {@code ▁word}.
 *
 * <p>Invariants: no token string occurs twice (llama.cpp maps text to id); every multi-character
 * piece starts with {@code ▁} and its prefix one code point shorter is also a piece. The SPM
 * tokenizer only ever merges two adjacent pieces into a piece that exists, choosing the highest
 * score first, so this closure is what lets whole words form; and since no multi-character piece
 * lacks the marker, no competing merge inside a word can block it. Scores grow with piece length
 * (longer pieces merge first), with a small per-index tie-breaker below one.
 */
@dev.arbor.annotation.Internal
public final class SyntheticVocab {

    /** SentencePiece's word-start marker U+2581, which stands for a preceding space. */
    public static final String WORD_START = "\u2581";
    public static final int UNKNOWN_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    /** Id of the byte token {@code <0x00>}; byte {@code b} has id {@code FIRST_BYTE_ID + b}. */
    public static final int FIRST_BYTE_ID = 3;

    /** llama.cpp token type codes (tokenizer.ggml.token_type). */
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_BYTE = 6;

    private static final String SINGLE_CHARS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?;:'\"-()/&*+=%_[]";

    // Chosen to cover typical test prompts while keeping the vocabulary near 600 tokens: every
    // word costs one piece per code point not shared with an earlier word's prefix.
    private static final String WORDS = String.join(" ",
            "the of and to a in is it you that he she was for on are with as his her they we",
            "be at have this from or had by not but what all were when there can an your do if",
            "will one two time day year way man good new first last long old big small up out",
            "so some no yes my me him their them then than now only like just know think see",
            "come go get make say said tree search story once upon king cat dog sun sea water",
            "fire home house love light night world hello how who why where here more most",
            "very well back",
            "Hello The I A It He She They We Once In This What How There");

    private static final SyntheticVocab STANDARD = new SyntheticVocab();

    private final List<String> tokens;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> ids;

    private SyntheticVocab() {
        List<String> t = new ArrayList<>();
        t.add("<unk>");
        t.add("<s>");
        t.add("</s>");
        for (int b = 0; b < 256; b++) {
            t.add(String.format("<0x%02X>", b));
        }
        int firstPiece = t.size();

        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            index.put(t.get(i), i);
        }
        addPiece(t, index, WORD_START);
        for (int i = 0; i < SINGLE_CHARS.length(); i++) {
            addPiece(t, index, SINGLE_CHARS.substring(i, i + 1));
        }
        for (String word : WORDS.split(" ")) {
            String piece = WORD_START + word;
            // Every prefix, shortest first; the marker is one code point, as are ASCII letters.
            for (int end = 2; end <= piece.length(); end++) {
                addPiece(t, index, piece.substring(0, end));
            }
        }

        int n = t.size();
        scores = new float[n];
        types = new int[n];
        types[UNKNOWN_ID] = TYPE_UNKNOWN;
        types[BOS_ID] = TYPE_CONTROL;
        types[EOS_ID] = TYPE_CONTROL;
        for (int i = FIRST_BYTE_ID; i < firstPiece; i++) {
            types[i] = TYPE_BYTE;
        }
        int pieces = n - firstPiece;
        for (int i = firstPiece; i < n; i++) {
            types[i] = TYPE_NORMAL;
            String piece = t.get(i);
            float tieBreak = 0.5f * (i - firstPiece) / pieces;
            scores[i] = piece.codePointCount(0, piece.length()) - tieBreak;
        }
        tokens = Collections.unmodifiableList(t);
        ids = Collections.unmodifiableMap(index);
    }

    private static void addPiece(List<String> tokens, Map<String, Integer> index, String piece) {
        if (index.putIfAbsent(piece, tokens.size()) == null) {
            tokens.add(piece);
        }
    }

    /** The shared vocabulary used by every {@link SyntheticModel}. */
    public static SyntheticVocab standard() {
        return STANDARD;
    }

    /** Number of tokens (n_vocab). */
    public int size() {
        return tokens.size();
    }

    /** Token strings by id. */
    public List<String> tokens() {
        return tokens;
    }

    /** The string of token {@code id}. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** The id of {@code token}, or -1 if it is not in the vocabulary. */
    public int idOf(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** Merge score of token {@code id} (0 for control and byte tokens). */
    public float score(int id) {
        return scores[id];
    }

    /** llama.cpp token type of token {@code id} (one of the TYPE_ constants). */
    public int type(int id) {
        return types[id];
    }

    /** Adds the {@code tokenizer.ggml.*} keys describing this vocabulary. */
    public void putMetadata(GgufWriter writer) {
        writer.put("tokenizer.ggml.model", GgufValue.string("llama"));
        writer.put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens));
        writer.put("tokenizer.ggml.scores", GgufValue.float32Array(scores));
        writer.put("tokenizer.ggml.token_type", GgufValue.int32Array(types));
        writer.put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(UNKNOWN_ID));
        writer.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(BOS_ID));
        writer.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(EOS_ID));
        writer.put("tokenizer.ggml.add_bos_token", GgufValue.bool(true));
        writer.put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
    }
}
