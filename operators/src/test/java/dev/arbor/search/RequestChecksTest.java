package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's rules on a request's parameters: each names the parameter it is about. */
class RequestChecksTest {

    private static SearchRequest request(UnaryOperator<SearchRequest.Builder> change) {
        return change.apply(SearchRequest.builder("r").prompt("hi")).build();
    }

    @Test
    void theDefaultRequestKeepsEveryRule() {
        assertThat(RequestChecks.firstProblem(request(b -> b))).isNull();
        assertThat(RequestChecks.firstProblem(request(b -> b.stop(List.of("\n")).timeout(Duration.ofMillis(1)))))
                .isNull();
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of(request(b -> b.strategy(null)), "strategy is required"),
                Arguments.of(request(b -> b.width(0)), "width must be >= 1, was 0"),
                Arguments.of(request(b -> b.maxNewTokens(-3)), "maxNewTokens must be >= 1, was -3"),
                Arguments.of(request(b -> b.lengthPenalty(Double.POSITIVE_INFINITY)),
                        "lengthPenalty must be finite, was Infinity"),
                Arguments.of(request(b -> b.stop(List.of("ok", ""))), "stop must not contain empty strings, was [ok, ]"),
                Arguments.of(request(b -> b.timeout(Duration.ZERO)), "timeout must be positive, was PT0S"),
                Arguments.of(request(b -> b.timeout(Duration.ofSeconds(-1))), "timeout must be positive, was PT-1S"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsParameter(SearchRequest request, String message) {
        RequestChecks.Problem problem = RequestChecks.firstProblem(request);
        assertThat(problem).isNotNull();
        assertThat(problem.message()).isEqualTo(message);
        assertThat(message).startsWith(problem.parameter() + " ");
        assertThat(problem.message("arbor.x")).isEqualTo("arbor.x " + problem.complaint());
    }

    @Test
    void theFirstBrokenRuleInTheBuilderOrderIsReported() {
        assertThat(RequestChecks.firstProblem(request(b -> b.width(0).maxNewTokens(0))).parameter()).isEqualTo("width");
    }
}
