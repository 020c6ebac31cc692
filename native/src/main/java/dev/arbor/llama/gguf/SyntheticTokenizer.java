package dev.arbor.llama.gguf;

/**
 * The two vocabularies a synthetic model can carry, so that a row of the {@link ArchitectureTable}
 * names one instead of writing its own: llama.cpp accepts either for every architecture, since the
 * tokenizer is chosen by {@code tokenizer.ggml.model}, not by the architecture.
 */
@dev.arbor.annotation.Internal
public enum SyntheticTokenizer {
    /** {@link SyntheticVocab#standard()}: SentencePiece-style ("llama"), adds BOS, no chat template. */
    SENTENCE_PIECE,
    /** {@link ByteLevelVocab#standard()}: Qwen-style byte-level BPE ("gpt2"), a ChatML chat template. */
    BYTE_LEVEL;

    /** Number of tokens (n_vocab). */
    public int size() {
        return this == SENTENCE_PIECE ? SyntheticVocab.standard().size() : ByteLevelVocab.standard().size();
    }

    /**
     * Whether token {@code id} is ordinary text (a word piece, whole characters): the tokens whose
     * output rows get the full logit spread, while control and byte tokens are made rare.
     */
    public boolean isText(int id) {
        return this == SENTENCE_PIECE
                ? SyntheticVocab.standard().type(id) == SyntheticVocab.TYPE_NORMAL
                : ByteLevelVocab.standard().isText(id);
    }

    /** Adds the {@code tokenizer.*} keys. */
    void putMetadata(GgufWriter writer) {
        if (this == SENTENCE_PIECE) {
            SyntheticVocab.standard().putMetadata(writer);
        } else {
            ByteLevelVocab.standard().putMetadata(writer);
        }
    }
}
