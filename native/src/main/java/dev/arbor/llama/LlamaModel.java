package dev.arbor.llama;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A GGUF model loaded by llama.cpp: weights and vocabulary, shared read-only by any number of
 * {@link LlamaContext}s.
 *
 * <p>Thread-safety: tokenization and the metadata getters may be called from any thread at the
 * same time. {@link #close()} waits for running calls, refuses while a live context still uses
 * the model, and is idempotent; tokenization and context creation after it throw
 * {@link IllegalStateException}, while the metadata getters keep answering.
 */
public final class LlamaModel implements AutoCloseable {
    private final Path path;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final int nVocab;
    private final int bos;
    private final int eos;
    private final int nCtxTrain;
    private final int nEmbd;
    private final int nLayer;
    private final boolean addsBos;
    private final long parameterCount;
    private final long sizeBytes;
    private final String description;
    private final boolean[] endOfGeneration;
    private final ModelMemory memory;
    private final AtomicReferenceArray<byte[]> pieces;
    private long handle; // guarded by lock; 0 once closed
    private volatile boolean closed;
    private int liveContexts; // guarded by lock

    private LlamaModel(Path path, long handle) {
        this.path = path;
        this.handle = handle;
        int[] shape = LlamaNative.modelShape(handle);
        this.nVocab = shape[0];
        this.bos = shape[1];
        this.eos = shape[2];
        this.nCtxTrain = shape[3];
        this.nEmbd = shape[4];
        this.nLayer = shape[5];
        this.addsBos = shape[6] != 0;
        this.parameterCount = LlamaNative.modelParameterCount(handle);
        this.sizeBytes = LlamaNative.modelSizeBytes(handle);
        this.description = new String(LlamaNative.modelDescription(handle), StandardCharsets.UTF_8);
        this.endOfGeneration = LlamaNative.endOfGenerationFlags(handle);
        this.memory = readMemory(handle);
        this.pieces = new AtomicReferenceArray<>(nVocab);
    }

    /** Loads a model for the CPU, memory-mapped. */
    public static LlamaModel load(Path file) {
        return load(file, ModelParams.defaults());
    }

    /**
     * Loads a model.
     *
     * @throws LlamaException naming the path when the file is missing, unreadable, not GGUF, or
     *     rejected by llama.cpp (truncated, unknown architecture, ...)
     */
    public static LlamaModel load(Path file, ModelParams params) {
        LlamaLibrary.load();
        checkReadableGguf(file);
        LlamaLog.takeLastError();
        long handle = LlamaNative.modelLoad(file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8),
                params.nGpuLayers(), params.loadMode().llamaValue());
        if (handle == 0) {
            String reason = LlamaLog.takeLastError();
            throw new LlamaException("llama.cpp could not load the model " + file
                    + (reason == null ? " (truncated or unsupported GGUF?)" : ": " + reason));
        }
        try {
            return new LlamaModel(file, handle);
        } catch (RuntimeException e) {
            LlamaNative.modelFree(handle); // a model Arbor refuses (its memory kind) is never handed out
            throw e;
        }
    }

    private static ModelMemory readMemory(long handle) {
        int[] facts = LlamaNative.modelMemory(handle);
        String architecture = metadataOf(handle, "general.architecture").orElse("llama");
        int experts = ModelMemory.expertCount(metadataOf(handle, architecture + ".expert_count"));
        return ModelMemory.of(architecture, facts[0] != 0, facts[1] != 0, facts[2] != 0, facts[3], experts);
    }

    private static Optional<String> metadataOf(long handle, String key) {
        byte[] value = LlamaNative.modelMetadata(handle, key.getBytes(StandardCharsets.UTF_8));
        return value == null ? Optional.empty() : Optional.of(new String(value, StandardCharsets.UTF_8));
    }

    private static void checkReadableGguf(Path file) {
        if (!Files.exists(file)) {
            throw new LlamaException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new LlamaException("model file is not a readable file: " + file);
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4 || magic[0] != 'G' || magic[1] != 'G' || magic[2] != 'U' || magic[3] != 'F') {
                throw new LlamaException("not a GGUF file (it does not start with the bytes 'GGUF'): " + file);
            }
        } catch (IOException e) {
            throw new LlamaException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        ModelFileCheck.check(file);
    }

    /**
     * Tokenizes UTF-8 text (unpaired surrogates become '?').
     *
     * @param addSpecial add BOS (and EOS) as the model's metadata asks
     * @param parseSpecial turn control-token text such as {@code </s>} into control tokens
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        lock.readLock().lock();
        try {
            return LlamaNative.tokenize(openHandle(), utf8, addSpecial, parseSpecial);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Turns tokens back into text, dropping a leading BOS and the tokenizer's leading space, so that
     * {@code detokenize(tokenize(s, true, false))} gives {@code s} back for text the vocab covers.
     * Bytes that do not form valid UTF-8 become U+FFFD.
     */
    public String detokenize(int[] tokens) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens must not be null");
        }
        // llama.cpp keeps the leading space when it drops a BOS itself; dropping it here first
        // makes the text after BOS read as the start of the text, as the tokenizer saw it.
        int[] text = tokens.length > 0 && tokens[0] == bos ? Arrays.copyOfRange(tokens, 1, tokens.length) : tokens;
        lock.readLock().lock();
        try {
            return new String(LlamaNative.detokenize(openHandle(), text, true), StandardCharsets.UTF_8);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The bytes a token contributes to text (a fresh copy). A byte-fallback token gives a single
     * byte, which may be part of a multi-byte UTF-8 character; control tokens give no bytes.
     */
    public byte[] tokenPiece(int token) {
        checkToken(token);
        if (closed) {
            throw new IllegalStateException("model " + path + " is closed");
        }
        byte[] piece = pieces.get(token);
        if (piece == null) {
            lock.readLock().lock();
            try {
                piece = LlamaNative.tokenPiece(openHandle(), token, false);
            } finally {
                lock.readLock().unlock();
            }
            pieces.set(token, piece);
        }
        return piece.clone();
    }

    /**
     * The bytes llama.cpp's grammar sampler reads for {@code token}: its piece with control tokens
     * rendered as their text (a fresh array, not cached here).
     */
    byte[] grammarPiece(int token) {
        checkToken(token);
        lock.readLock().lock();
        try {
            return LlamaNative.tokenPiece(openHandle(), token, true);
        } finally {
            lock.readLock().unlock();
        }
    }

    public int nVocab() {
        return nVocab;
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    /** Whether generation should end at this token (EOS, EOT and the like). */
    public boolean isEndOfGeneration(int token) {
        checkToken(token);
        return endOfGeneration[token];
    }

    /** The context length the model was trained with. */
    public int nCtxTrain() {
        return nCtxTrain;
    }

    public int nEmbd() {
        return nEmbd;
    }

    public long parameterCount() {
        return parameterCount;
    }

    /** Layers of the model. */
    public int nLayer() {
        return nLayer;
    }

    /** How llama.cpp keeps this model's memory of past tokens (what forks and cut-backs can do exactly). */
    public ModelMemory memory() {
        return memory;
    }

    /** Whether the tokenizer starts a text with BOS (the model's metadata decides). */
    public boolean addsBos() {
        return addsBos;
    }

    /** Bytes of all the model's weights. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /**
     * A value of the model's GGUF metadata as text ({@code general.architecture},
     * {@code tokenizer.chat_template}, ...), or empty when the model has no such key.
     */
    public Optional<String> metadata(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        lock.readLock().lock();
        try {
            return metadataOf(openHandle(), key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** llama.cpp's one-line description, e.g. {@code "llama ?B all F32"}. */
    public String description() {
        return description;
    }

    public Path path() {
        return path;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees the model. Idempotent.
     *
     * @throws IllegalStateException while a live {@link LlamaContext} still uses it
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle == 0) {
                return;
            }
            if (liveContexts > 0) {
                throw new IllegalStateException("model " + path + " is still used by " + liveContexts
                        + " live context(s); close them first");
            }
            LlamaNative.modelFree(handle);
            handle = 0;
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "LlamaModel[" + path + ", " + description + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * The chat template in the model's metadata: the default one for {@code name} null, else the
     * named one; empty when the model has none.
     */
    public Optional<String> chatTemplate(String name) {
        byte[] text = withHandle(m -> LlamaNative.modelChatTemplate(m,
                name == null ? null : name.getBytes(StandardCharsets.UTF_8)));
        return text == null ? Optional.empty() : Optional.of(new String(text, StandardCharsets.UTF_8));
    }

    /** Runs a native call on the open handle under the read lock, so that close() cannot free the model halfway. */
    <T> T withHandle(java.util.function.LongFunction<T> call) {
        lock.readLock().lock();
        try {
            return call.apply(openHandle());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Creates a context under the lock, so that close() cannot free the model halfway. */
    long createContext(ContextParams params) {
        lock.writeLock().lock();
        try {
            long context = LlamaNative.contextCreate(openHandle(), params.nCtx(), params.nBatch(), params.nUbatch(),
                    params.nSeqMax(), params.threads(), params.flashAttention().llamaValue(), params.kvUnified(),
                    params.poll());
            if (context != 0) {
                liveContexts++;
            }
            return context;
        } finally {
            lock.writeLock().unlock();
        }
    }

    void contextClosed() {
        lock.writeLock().lock();
        try {
            liveContexts--;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private long openHandle() {
        if (handle == 0) {
            throw new IllegalStateException("model " + path + " is closed");
        }
        return handle;
    }

    private void checkToken(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token " + token + " is outside the vocab [0, " + nVocab + ")");
        }
    }
}
