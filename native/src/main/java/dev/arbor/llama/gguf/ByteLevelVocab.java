package dev.arbor.llama.gguf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level BPE vocabulary in the style of Qwen's ({@code tokenizer.ggml.model = "gpt2"},
 * pre-tokenizer {@code "qwen2"}) for the qwen3 synthetic models.
 *
 * <p>Layout, fixed because llama.cpp and callers depend on it: ids 0-255 are the single bytes in
 * byte order (id {@code b} is byte {@code b}, spelled in the {@link ByteLevelAlphabet}); then one
 * token per learned merge, in merge order, skipping a merge whose result is already a token; then
 * the control tokens {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>}, last.
 * Merges are learned by {@link BpeTrainer} from {@link BpeCorpus}, at most {@link #MAX_MERGES};
 * {@link #ofSize} follows them with made-up merges up to a real model's vocabulary size.
 *
 * <p>Invariants: no token string occurs twice; every merge joins two tokens into a token; every
 * token between the bytes and the control tokens is the result of a merge. Since all 256 bytes are tokens, any UTF-8 text
 * tokenizes, and detokenizing gives back its exact bytes. Ends of generation: {@code <|im_end|>} is
 * EOS and EOT (as in Qwen's chat models); {@code <|endoftext|>} is BOS and padding but is never
 * added to a text (add_bos false), so a prompt is exactly its text's tokens.
 */
@dev.arbor.annotation.Internal
public final class ByteLevelVocab {
    /** Most merges learned from the corpus (fewer if the corpus runs out of repeated pairs). */
    public static final int MAX_MERGES = 400;
    /** Ends a document; also BOS and padding, never added automatically. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** llama.cpp's {@code tokenizer.ggml.pre} naming the Qwen2/Qwen3 pre-tokenizer. */
    public static final String PRE_TOKENIZER = "qwen2";
    /** {@code <|endoftext|>}, {@code <|im_start|>} and {@code <|im_end|>}, the last ids. */
    private static final int CONTROL_TOKENS = 3;

    private static final ByteLevelVocab STANDARD = new ByteLevelVocab(0);

    private final List<String> tokens;
    private final List<String> merges;
    private final int[] types;
    private final boolean[] text;
    private final Map<String, Integer> ids;

    /** @param size the number of tokens, made up to with {@link MadeUpMerges}; 0: only the learned merges */
    private ByteLevelVocab(int size) {
        List<String> t = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            add(t, index, ByteLevelAlphabet.symbol(b));
        }
        List<String> m = new ArrayList<>();
        for (BpeTrainer.Merge merge : BpeTrainer.learn(BpeCorpus.TEXT, MAX_MERGES)) {
            m.add(merge.text());
            add(t, index, merge.joined());
        }
        if (size > 0) {
            MadeUpMerges.extend(t, index, m, size - CONTROL_TOKENS,
                    token -> isPrintableUtf8(ByteLevelAlphabet.decode(token)));
        }
        int firstControl = t.size();
        for (String control : List.of(END_OF_TEXT, ChatMlTemplate.TURN_START, ChatMlTemplate.TURN_END)) {
            add(t, index, control);
        }
        types = new int[t.size()];
        text = new boolean[t.size()];
        for (int id = 0; id < t.size(); id++) {
            types[id] = id < firstControl ? SyntheticVocab.TYPE_NORMAL : SyntheticVocab.TYPE_CONTROL;
            text[id] = id < firstControl && isPrintableUtf8(ByteLevelAlphabet.decode(t.get(id)));
        }
        tokens = Collections.unmodifiableList(t);
        merges = Collections.unmodifiableList(m);
        ids = Collections.unmodifiableMap(index);
    }

    private static void add(List<String> tokens, Map<String, Integer> index, String token) {
        if (index.putIfAbsent(token, tokens.size()) == null) {
            tokens.add(token);
        }
    }

    /**
     * Whether the bytes are whole UTF-8 characters with no control character other than tab and
     * newline: what a token of real text looks like, as opposed to a stray byte or part of a
     * multi-byte character.
     */
    private static boolean isPrintableUtf8(byte[] bytes) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return s.codePoints().allMatch(cp -> cp == '\n' || cp == '\t' || !Character.isISOControl(cp));
    }

    /** The shared vocabulary of every qwen3 synthetic model. */
    public static ByteLevelVocab standard() {
        return STANDARD;
    }

    /**
     * A vocabulary of exactly {@code size} tokens, as large as a real model's: the standard one's
     * bytes and learned merges, then {@link MadeUpMerges made-up merges}, then the control tokens.
     * The same size always gives the same vocabulary.
     *
     * @throws IllegalArgumentException when {@code size} is smaller than the standard vocabulary
     */
    public static ByteLevelVocab ofSize(int size) {
        if (size == STANDARD.size()) {
            return STANDARD;
        }
        if (size < STANDARD.size()) {
            throw new IllegalArgumentException("a byte-level vocabulary has at least " + STANDARD.size()
                    + " tokens, not " + size);
        }
        return new ByteLevelVocab(size);
    }

    /** Number of tokens (n_vocab). */
    public int size() {
        return tokens.size();
    }

    /** Token strings by id, in the byte-level alphabet (control tokens as plain text). */
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

    /** The merge rules, highest priority first, each as {@code "left right"}. */
    public List<String> merges() {
        return merges;
    }

    /** llama.cpp token type of token {@code id}: normal, or control for the three special tokens. */
    public int type(int id) {
        return types[id];
    }

    /**
     * Whether token {@code id} is a piece of ordinary text: whole printable UTF-8 characters. Stray
     * bytes, partial characters, control characters and control tokens are not; the synthetic
     * models make those rare in generated text.
     */
    public boolean isText(int id) {
        return text[id];
    }

    /** The bytes token {@code id} stands for; a control token gives its text. */
    public byte[] bytes(int id) {
        return types[id] == SyntheticVocab.TYPE_CONTROL ? tokens.get(id).getBytes(StandardCharsets.UTF_8)
                : ByteLevelAlphabet.decode(tokens.get(id));
    }

    /** {@code <|endoftext|>}. */
    public int endOfTextId() {
        return idOf(END_OF_TEXT);
    }

    /** {@code <|im_start|>}. */
    public int turnStartId() {
        return idOf(ChatMlTemplate.TURN_START);
    }

    /** {@code <|im_end|>}: EOS and EOT. */
    public int turnEndId() {
        return idOf(ChatMlTemplate.TURN_END);
    }

    /** Adds the {@code tokenizer.*} keys describing this vocabulary and its chat template. */
    public void putMetadata(GgufWriter writer) {
        writer.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        writer.put("tokenizer.ggml.pre", GgufValue.string(PRE_TOKENIZER));
        writer.put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens));
        writer.put("tokenizer.ggml.token_type", GgufValue.int32Array(types));
        writer.put("tokenizer.ggml.merges", GgufValue.stringArray(merges));
        // Explicit ids: without them llama.cpp defaults BOS to id 11 for "gpt2" vocabularies and
        // picks EOT by scanning a hash map, which may find <|endoftext|> before <|im_end|>.
        writer.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(endOfTextId()));
        writer.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(turnEndId()));
        writer.put("tokenizer.ggml.eot_token_id", GgufValue.uint32(turnEndId()));
        writer.put("tokenizer.ggml.padding_token_id", GgufValue.uint32(endOfTextId()));
        writer.put("tokenizer.ggml.add_bos_token", GgufValue.bool(false));
        writer.put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));
        writer.put("tokenizer.chat_template", GgufValue.string(ChatMlTemplate.TEXT));
    }
}
