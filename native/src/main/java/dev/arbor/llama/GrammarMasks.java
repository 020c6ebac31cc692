package dev.arbor.llama;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token masks of one grammar text over one model's vocabulary, by grammar state: what every
 * {@link Grammar} parsed from the same text (each branch's state, every request with the same
 * JSON schema) shares, so that llama.cpp checks the whole vocabulary once per distinct state
 * instead of once per branch per step. At 152k tokens that check costs 9-31 ms; a cached mask
 * costs a pass over a 19 KB bit set.
 *
 * <p>Invariants: a mask is stored under the {@link GrammarStacks} it was computed in, and equal
 * states get equal masks (see {@link GrammarStacks}); masks are immutable, the map is guarded by
 * this object's lock, and the masks of one text take at most {@link #BYTES_PER_GRAMMAR} (least
 * recently used first out). A text the {@link GbnfRules} mirror does not follow has no states and
 * is never cached. Every hit is checked against llama.cpp on a few tokens; a disagreement (a bug
 * in the mirror) logs a warning and turns the cache off for that text, so results stay llama.cpp's.
 */
final class GrammarMasks {
    /** The most bytes of masks one grammar text keeps. */
    static final long BYTES_PER_GRAMMAR = 8L << 20;
    /** Grammar texts remembered per model (least recently used first out). */
    private static final int GRAMMARS_PER_MODEL = 8;
    /** Tokens of a cached mask checked against llama.cpp on every hit. */
    static final int CHECKED_PER_HIT = 16;
    private static final Logger LOG = LoggerFactory.getLogger(GrammarMasks.class);
    private static final Map<LlamaModel, Map<String, GrammarMasks>> BY_MODEL = new WeakHashMap<>();

    private final GbnfRules rules; // null: the mirror does not follow this text
    private final GrammarStacks initial;
    private final int nVocab;
    private final AtomicReferenceArray<byte[]> pieces;
    private final LinkedHashMap<GrammarStacks, TokenMask> masks = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private volatile boolean disabled;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private long checkSeed = 0x9E3779B97F4A7C15L;

    private GrammarMasks(GbnfRules rules, int nVocab) {
        this.rules = rules;
        this.initial = rules == null ? null : GrammarStacks.initial(rules);
        this.nVocab = nVocab;
        this.pieces = new AtomicReferenceArray<>(nVocab);
    }

    /** The shared masks of {@code gbnf} (from rule {@code root}) over {@code model}'s vocabulary. */
    static GrammarMasks of(LlamaModel model, String gbnf, String root) {
        synchronized (BY_MODEL) {
            Map<String, GrammarMasks> grammars = BY_MODEL.computeIfAbsent(model,
                    m -> new LinkedHashMap<>(16, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<String, GrammarMasks> eldest) {
                            return size() > GRAMMARS_PER_MODEL;
                        }
                    });
            return grammars.computeIfAbsent(root + '\u0000' + gbnf, key -> new GrammarMasks(mirror(gbnf, root),
                    model.nVocab()));
        }
    }

    private static GbnfRules mirror(String gbnf, String root) {
        try {
            return GbnfRules.parse(gbnf, root);
        } catch (IllegalArgumentException e) {
            LOG.debug("grammar states are not cached for this grammar: {}", e.getMessage());
            return null;
        }
    }

    /** The state before any text, or null when states are not followed (no caching). */
    GrammarStacks initialState() {
        return initial;
    }

    /** The state after {@code token}; {@code piece} is what llama.cpp's grammar reads of it. */
    GrammarStacks advance(GrammarStacks state, LlamaModel model, int token) {
        return state.accept(piece(model, token), model.isEndOfGeneration(token));
    }

    private byte[] piece(LlamaModel model, int token) {
        byte[] piece = pieces.get(token);
        if (piece == null) {
            piece = model.grammarPiece(token);
            pieces.set(token, piece);
        }
        return piece;
    }

    /** The cached mask of {@code state}, or null (also when caching is off). */
    TokenMask lookup(GrammarStacks state) {
        if (state == null || disabled) {
            return null;
        }
        TokenMask mask;
        synchronized (this) {
            mask = masks.get(state);
        }
        (mask == null ? misses : hits).incrementAndGet();
        return mask;
    }

    /** Keeps {@code mask}, computed by llama.cpp in {@code state}. */
    void store(GrammarStacks state, TokenMask mask) {
        if (state == null || disabled) {
            return;
        }
        synchronized (this) {
            if (masks.put(state, mask) == null) {
                bytes += mask.bytes();
            }
            var eldest = masks.entrySet().iterator();
            while (bytes > BYTES_PER_GRAMMAR && eldest.hasNext()) {
                bytes -= eldest.next().getValue().bytes();
                eldest.remove();
            }
        }
    }

    /** Tokens to check a hit on: a few spread over the vocabulary, different on every hit. */
    synchronized int[] tokensToCheck() {
        int[] tokens = new int[CHECKED_PER_HIT];
        for (int i = 0; i < tokens.length; i++) {
            checkSeed += 0x9E3779B97F4A7C15L;
            tokens[i] = (int) Long.remainderUnsigned(mix(checkSeed), nVocab);
        }
        return tokens;
    }

    /** A hit disagreed with llama.cpp: from now on this grammar text is masked by llama.cpp alone. */
    void disable(String why) {
        if (!disabled) {
            disabled = true;
            LOG.warn("grammar mask cache turned off for a grammar: {}", why);
            synchronized (this) {
                masks.clear();
                bytes = 0;
            }
        }
    }

    boolean isDisabled() {
        return disabled;
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
