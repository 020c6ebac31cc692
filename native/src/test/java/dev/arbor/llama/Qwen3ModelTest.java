package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.ByteLevelAlphabet;
import dev.arbor.llama.gguf.ByteLevelVocab;
import dev.arbor.llama.gguf.ChatMlTemplate;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synthetic qwen3 model as llama.cpp sees it: architecture, byte-level BPE tokenizer, chat markup. */
class Qwen3ModelTest {
    private static final ByteLevelVocab VOCAB = ByteLevelVocab.standard();
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Qwen3TestModels.tiny());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void llamaCppReadsAQwen3ModelWithItsMetadata() {
        assertThat(model.metadata("general.architecture")).contains(SyntheticQwen3Model.ARCHITECTURE);
        assertThat(model.description()).startsWith("qwen3 ");
        assertThat(model.metadata("qwen3.attention.key_length")).contains("32");
        assertThat(model.metadata("tokenizer.ggml.pre")).contains("qwen2");
        assertThat(model.metadata("tokenizer.chat_template")).contains(ChatMlTemplate.TEXT);
        assertThat(model.nEmbd()).isEqualTo(64);
        assertThat(model.nLayer()).isEqualTo(2);
        assertThat(model.nCtxTrain()).isEqualTo(2048);
        assertThat(model.parameterCount()).isEqualTo(SyntheticQwen3Model.Shape.of(
                dev.arbor.llama.gguf.SyntheticModel.Size.TINY).parameterCount());
    }

    @Test
    void specialTokensFollowQwen() {
        assertThat(model.nVocab()).isEqualTo(VOCAB.size());
        assertThat(model.eos()).isEqualTo(VOCAB.turnEndId());
        assertThat(model.bos()).isEqualTo(VOCAB.endOfTextId());
        assertThat(model.addsBos()).isFalse();
        assertThat(model.isEndOfGeneration(VOCAB.turnEndId())).isTrue();
        assertThat(model.isEndOfGeneration(VOCAB.endOfTextId())).isTrue();
        assertThat(model.isEndOfGeneration(VOCAB.turnStartId())).isFalse();
        assertThat(model.isEndOfGeneration(VOCAB.idOf("a"))).isFalse();
        // No BOS is added: a text's tokens are exactly its pieces.
        assertThat(model.tokenize("hello", true, false)).isEqualTo(model.tokenize("hello", false, false));
    }

    @Test
    void mergesMakeWholeWordTokens() {
        assertThat(model.tokenize("Hello world, how are you?", true, false)).containsExactly(
                ids("Hello", " world", ",", " how", " are", " you", "?"));
        assertThat(model.tokenize("Once upon a time", true, false)).containsExactly(
                ids("Once", " upon", " a", " time"));
        String sentence = "the king and the cat went to the sea to search for the dog";
        assertThat(model.tokenize(sentence, false, false).length).isLessThan(sentence.length() / 3);
    }

    @Test
    void anyUtf8TextRoundTripsExactly() {
        List<String> texts = List.of(
                "Once upon a time",
                "  leading spaces, trailing spaces  ",
                "line one\nline two\r\n\n\ttabbed\n",
                "emoji 🌳🐱 and a family 👨‍👩‍👧 and a flag 🇯🇵 and skin tone 👍🏽",
                "你好，世界。我们在树下搜索。",
                "こんにちは世界、木の下で探します",
                "한국어 텍스트와 العربية و עברית",
                "combining: e\u0301 a\u0308 n\u0303 (decomposed) vs é ä ñ (composed)",
                "math 𝔸𝔹ℂ ∑∫√ and symbols ©®™ ½ ¾",
                "control \u0001\u001f\u007f and nbsp\u00a0and soft\u00adhyphen",
                "<|im_start|>user\nnot special without parseSpecial<|im_end|>",
                "");
        for (String text : texts) {
            int[] tokens = model.tokenize(text, true, false);
            assertThat(model.detokenize(tokens)).as(text).isEqualTo(text);
            assertThat(concatenatedPieces(tokens)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aCharacterSplitAcrossTokensIsJoinedAgain() {
        // 🌙 was never merged whole: its four UTF-8 bytes come in more than one token, none of which
        // is valid UTF-8 on its own, and the bytes still join into the character.
        int[] moon = model.tokenize("🌙", false, false);
        assertThat(moon.length).isBetween(2, 4);
        for (int token : moon) {
            assertThat(new String(model.tokenPiece(token), StandardCharsets.UTF_8)).contains("\uFFFD");
        }
        assertThat(new String(concatenatedPieces(moon), StandardCharsets.UTF_8)).isEqualTo("🌙");
        // A CJK word the corpus saw twice is one token.
        assertThat(model.tokenize("世界", false, false)).containsExactly(ids("世界"));
    }

    @Test
    void chatMarkupParsesIntoControlTokensThatDetokenizeToNothing() {
        String chat = ChatMlTemplate.EXAMPLE_RENDERING;
        int[] tokens = model.tokenize(chat, false, true);
        int start = VOCAB.turnStartId();
        int end = VOCAB.turnEndId();
        assertThat(tokens[0]).isEqualTo(start);
        assertThat(Arrays.stream(tokens).filter(t -> t == start).count()).isEqualTo(3);
        assertThat(Arrays.stream(tokens).filter(t -> t == end).count()).isEqualTo(2);
        assertThat(tokens[tokens.length - 1]).as("ends with a newline after 'assistant'").isEqualTo('\n');
        assertThat(model.detokenize(tokens)).isEqualTo(chat.replace("<|im_start|>", "").replace("<|im_end|>", ""));
        assertThat(model.tokenPiece(end)).isEmpty();
        // Without parseSpecial the markup is plain text.
        assertThat(model.tokenize(chat, false, false)).doesNotContain(start, end);
    }

    private static int[] ids(String... pieces) {
        return Arrays.stream(pieces).mapToInt(p -> VOCAB.idOf(ByteLevelAlphabet.encode(p))).toArray();
    }

    private static byte[] concatenatedPieces(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int token : tokens) {
            out.writeBytes(model.tokenPiece(token));
        }
        return out.toByteArray();
    }
}
