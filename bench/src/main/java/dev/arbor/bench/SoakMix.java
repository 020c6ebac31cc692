package dev.arbor.bench;

import dev.arbor.kv.SamplerParams;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import java.time.Duration;

/**
 * The requests of the soak run, request {@code i} of a fixed, repeating mix: 40% beam search, 30%
 * best-of-n (widths 2 to 4, 4 to 16 new tokens), 10% long ones the caller cancels, 10% long ones
 * that time out, 10% that the engine rejects (a zero width, an empty prompt, a budget that can never
 * fit, an unpaired surrogate, a width over the context's sequences). Deterministic in {@code i}.
 */
final class SoakMix {
    /** What a request is there to exercise. */
    enum Kind {
        BEAM,
        BEST_OF_N,
        CANCELLED,
        TIMED_OUT,
        REJECTED
    }

    private static final String[] TOPICS = {"the king", "a dog", "the sea", "my home", "the old man", "a big tree",
        "the sun", "two cats"};

    private SoakMix() {}

    static Kind kind(int i) {
        int slot = i % 20;
        if (slot < 8) {
            return Kind.BEAM;
        } else if (slot < 14) {
            return Kind.BEST_OF_N;
        } else if (slot < 16) {
            return Kind.CANCELLED;
        } else if (slot < 18) {
            return Kind.TIMED_OUT;
        }
        return Kind.REJECTED;
    }

    static SearchRequest request(int i) {
        String id = "soak-" + i;
        String prompt = "story " + i + ": once upon a time " + TOPICS[i % TOPICS.length] + " went to "
                + TOPICS[(i / 8) % TOPICS.length];
        SearchRequest.Builder builder = SearchRequest.builder(id).prompt(prompt).width(2 + i % 3)
                .maxNewTokens(4 + i % 13).seed(i);
        return switch (kind(i)) {
            case BEAM -> builder.strategy(SearchStrategy.BEAM).build();
            case BEST_OF_N -> builder.strategy(SearchStrategy.BEST_OF_N)
                    .sampler(SamplerParams.builder().temperature(0.8f).topP(0.95f).build()).build();
            case CANCELLED -> builder.maxNewTokens(200).stopAtEndOfGeneration(false).build();
            case TIMED_OUT -> builder.maxNewTokens(200).stopAtEndOfGeneration(false).timeout(Duration.ofMillis(5))
                    .build();
            case REJECTED -> switch (i / 20 % 5) {
                case 0 -> builder.width(0).build();
                case 1 -> builder.prompt("").build();
                case 2 -> builder.maxNewTokens(600_000_000).build();
                case 3 -> builder.prompt("a\uD800b").build();
                default -> builder.width(99).build();
            };
        };
    }
}
