package dev.arbor.llama;

import dev.arbor.llama.gguf.GgufFormatException;
import dev.arbor.llama.gguf.GgufHeader;
import dev.arbor.llama.gguf.GgufReader;
import dev.arbor.llama.gguf.GgufValue;
import dev.arbor.llama.gguf.GgufValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a model file in Java before llama.cpp sees it, for the damage llama.cpp does not report
 * but answers with an abort of the whole process (a {@code GGML_ASSERT}), which would take the JVM
 * and every other job in it along. Everything llama.cpp reports as an error itself is left to it:
 * its reason reaches the {@link LlamaException}.
 *
 * <p>What 0.5.0 aborts on, found by loading damaged variants of a model one by one in a child
 * process (the malformed-model test keeps the list honest): a block count of 0 or above
 * {@value #MAX_LAYERS}, more experts than {@value #MAX_EXPERTS} or more used experts than there
 * are, and a tokenizer told to add BOS or EOS that has no such token. The GGUF structure itself
 * (bounds, alignment, tensor sizes) is checked by {@link GgufReader} on the way.
 */
final class ModelFileCheck {
    /** llama.cpp's LLAMA_MAX_LAYERS. */
    static final int MAX_LAYERS = 512;
    /** llama.cpp's LLAMA_MAX_EXPERTS. */
    static final int MAX_EXPERTS = 1024;

    private ModelFileCheck() {}

    /** @throws LlamaException naming the file and what is wrong with it */
    static void check(Path file) {
        GgufHeader header = readHeader(file);
        String arch = header.architecture().orElse(null);
        if (arch == null) {
            return; // llama.cpp says "unknown model architecture" itself
        }
        long blocks = number(header, arch + ".block_count").orElse(1L);
        if (blocks < 1 || blocks > MAX_LAYERS) {
            throw bad(file, arch + ".block_count is " + blocks + "; llama.cpp supports 1.." + MAX_LAYERS + " layers");
        }
        long nextn = number(header, arch + ".nextn_predict_layers").orElse(0L);
        if (nextn < 0 || nextn > blocks) {
            throw bad(file, arch + ".nextn_predict_layers is " + nextn + ", more than the " + blocks + " layers");
        }
        checkExperts(file, header, arch);
        checkSpecialTokens(file, header);
    }

    private static GgufHeader readHeader(Path file) {
        try {
            return GgufReader.read(file);
        } catch (GgufFormatException e) {
            // Not chained: a damaged file is no I/O error that a retry could get past.
            throw new LlamaException("damaged model file: " + e.getMessage());
        } catch (IOException e) {
            throw new LlamaException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkExperts(Path file, GgufHeader header, String arch) {
        long experts = number(header, arch + ".expert_count").orElse(0L);
        long used = number(header, arch + ".expert_used_count").orElse(0L);
        if (experts < 0 || experts > MAX_EXPERTS) {
            throw bad(file, arch + ".expert_count is " + experts + "; llama.cpp supports at most " + MAX_EXPERTS);
        }
        if (used < 0 || used > experts || (experts > 0 && used == 0)) {
            throw bad(file, arch + ".expert_used_count is " + used + " for " + experts + " experts");
        }
        long groups = number(header, arch + ".expert_group_count").orElse(0L);
        if (groups != 0 && (groups < 0 || groups >= experts || experts % groups != 0)) {
            throw bad(file, arch + ".expert_group_count " + groups + " does not divide the " + experts + " experts");
        }
    }

    private static void checkSpecialTokens(Path file, GgufHeader header) {
        int vocab = header.get("tokenizer.ggml.tokens").filter(v -> v.type() == GgufValueType.ARRAY)
                .map(v -> v.asList().size()).orElse(-1);
        if (vocab < 0) {
            return; // llama.cpp says "cannot find tokenizer vocab" itself
        }
        for (String special : new String[] {"bos", "eos"}) {
            boolean added = header.get("tokenizer.ggml.add_" + special + "_token").map(ModelFileCheck::isTrue)
                    .orElse(false);
            Optional<Long> id = number(header, "tokenizer.ggml." + special + "_token_id");
            if (added && (id.isEmpty() || id.get() < 0 || id.get() >= vocab)) {
                throw bad(file, "tokenizer.ggml.add_" + special + "_token is true but tokenizer.ggml." + special
                        + "_token_id is " + id.map(String::valueOf).orElse("missing") + " (vocabulary of " + vocab
                        + " tokens)");
            }
        }
    }

    private static boolean isTrue(GgufValue value) {
        return value.type() == GgufValueType.BOOL && Boolean.TRUE.equals(value.value());
    }

    /** An integer metadata value; a value of another type is left to llama.cpp (it names the key). */
    private static Optional<Long> number(GgufHeader header, String key) {
        return header.get(key).filter(v -> v.type() != GgufValueType.ARRAY && v.type() != GgufValueType.STRING
                && v.type() != GgufValueType.BOOL && v.type() != GgufValueType.FLOAT32
                && v.type() != GgufValueType.FLOAT64).map(GgufValue::asLong);
    }

    private static LlamaException bad(Path file, String why) {
        return new LlamaException("llama.cpp cannot load the model " + file + ": " + why
                + " (refused before loading: llama.cpp would abort the process)");
    }
}
