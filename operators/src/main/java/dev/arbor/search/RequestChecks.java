package dev.arbor.search;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules every {@link SearchRequest} must keep whatever model and context run it, each written
 * once: the engine answers a request that breaks one with {@link ErrorCode#INVALID_PARAMS}
 * ({@code RequestValidator}), and the operator's configuration refuses defaults that break one
 * ({@code ArborConfig}), each naming the parameter its own way ("width must be >= 1, was 0" for a
 * request, "arbor.search.width must be >= 1, was 0" for an option).
 *
 * <p>Sampler ranges are {@link dev.arbor.kv.SamplerParams}' own rules (a request cannot hold a bad
 * sampler); rules that depend on the context (sequences, cells, the vocabulary, a grammar's syntax)
 * stay with the validator, which knows the model. Stateless.
 */
@dev.arbor.annotation.Internal
public final class RequestChecks {
    private RequestChecks() {}

    /**
     * A broken rule: the parameter, by the name a record and the request's builder give it
     * ({@code maxNewTokens}), and what is wrong with its value ({@code must be >= 1, was 0}).
     */
    public record Problem(String parameter, String complaint) {
        /** The complaint after the parameter's name: "maxNewTokens must be >= 1, was 0". */
        public String message() {
            return message(parameter);
        }

        /** The complaint after another name for the parameter, e.g. its option key. */
        public String message(String name) {
            return name + " " + complaint;
        }
    }

    /** The first rule {@code request} breaks, in the order of the builder's parameters, or null. */
    public static Problem firstProblem(SearchRequest request) {
        if (request.strategy() == null) {
            return new Problem("strategy", "is required");
        }
        if (request.width() < 1) {
            return new Problem("width", "must be >= 1, was " + request.width());
        }
        if (request.maxNewTokens() < 1) {
            return new Problem("maxNewTokens", "must be >= 1, was " + request.maxNewTokens());
        }
        if (!Double.isFinite(request.lengthPenalty())) {
            return new Problem("lengthPenalty", "must be finite, was " + request.lengthPenalty());
        }
        if (hasEmpty(request.stop())) {
            // An empty stop string would end every completion before its first token.
            return new Problem("stop", "must not contain empty strings, was " + request.stop());
        }
        Duration timeout = request.timeout();
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            return new Problem("timeout", "must be positive, was " + timeout);
        }
        Problem steps = request.steps().problem();
        if (steps != null) {
            return steps;
        }
        if (request.answerPattern() != null) {
            try {
                Pattern.compile(request.answerPattern());
            } catch (PatternSyntaxException e) {
                return new Problem("answerPattern", "is not a regular expression: " + e.getDescription());
            }
        }
        return null;
    }

    private static boolean hasEmpty(List<String> strings) {
        return strings.stream().anyMatch(s -> s == null || s.isEmpty());
    }
}
