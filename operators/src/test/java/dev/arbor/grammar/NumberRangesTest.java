package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Integer and number bounds are exact: over a window of candidates around the bounds, the grammar
 * accepts a candidate exactly when the validator does (candidates are written in the grammar's
 * output form: no exponent, no leading zeros, so the two must agree), and rejects
 * non-canonical spellings.
 */
class NumberRangesTest {
    @Test
    void integerRangesAcceptExactlyTheIntegersInRange() {
        Random random = new Random(7);
        List<String> bounds = new ArrayList<>(List.of(
                "\"minimum\":0", "\"maximum\":0", "\"minimum\":-123,\"maximum\":4567", "\"minimum\":10,\"maximum\":10",
                "\"exclusiveMinimum\":-1,\"exclusiveMaximum\":100", "\"minimum\":1.5,\"maximum\":99.5",
                "\"minimum\":95", "\"maximum\":-7", "\"minimum\":-1000,\"maximum\":-990"));
        for (int i = 0; i < 8; i++) {
            int lo = random.nextInt(2400) - 1200;
            bounds.add("\"minimum\":" + lo + ",\"maximum\":" + (lo + random.nextInt(1300)));
        }
        for (String b : bounds) {
            Check check = new Check("{\"type\":\"integer\"," + b + "}");
            for (int n = -1300; n <= 5000; n += (n > -1100 && n < 1200) ? 1 : 7) {
                check.agrees(Integer.toString(n));
            }
            check.rejects("-0", "007", "+1", "1.0", "1e1");
        }
    }

    @Test
    void numberRangesAcceptExactlyTheNumbersInRange() {
        List<String> bounds = List.of("\"minimum\":0", "\"exclusiveMinimum\":0", "\"maximum\":0",
                "\"exclusiveMaximum\":0", "\"minimum\":0,\"maximum\":1", "\"exclusiveMinimum\":0,\"exclusiveMaximum\":1",
                "\"minimum\":-1,\"exclusiveMaximum\":1", "\"exclusiveMinimum\":-10,\"maximum\":-2",
                "\"minimum\":-3,\"maximum\":12,\"exclusiveMaximum\":12", "\"minimum\":5,\"maximum\":5",
                "\"exclusiveMinimum\":99", "\"maximum\":-3", "\"exclusiveMaximum\":-1,\"minimum\":-9");
        for (String b : bounds) {
            Check check = new Check("{\"type\":\"number\"," + b + "}");
            for (int whole = -14; whole <= 14; whole++) {
                for (String fraction : List.of("", ".0", ".00", ".5", ".05", ".999", ".001")) {
                    check.agrees(whole + fraction);
                    if (whole == 0) {
                        check.agrees("-0" + fraction);
                    }
                }
            }
            check.agrees("99.0");
            check.agrees("99.01");
            check.agrees("100");
            check.rejects("1.", ".5", "01", "1e0", "-", "--1", "");
        }
    }

    /** A converted schema checked candidate by candidate against the validator. */
    private static final class Check {
        private final String schema;
        private final GbnfGrammar grammar;
        private final JsonSchemaOracle oracle;

        Check(String schema) {
            JsonNode node = JsonSchemaOracle.json(schema);
            this.schema = schema;
            this.grammar = GbnfGrammar.parse(SchemaToGbnf.convert(node).text());
            this.oracle = new JsonSchemaOracle(node);
        }

        void agrees(String candidate) {
            assertThat(GbnfMatcher.matches(grammar, "root", candidate))
                    .as("%s under %s", candidate, schema).isEqualTo(oracle.valid(candidate));
        }

        void rejects(String... candidates) {
            for (String c : candidates) {
                assertThat(GbnfMatcher.matches(grammar, "root", c)).as("%s under %s", c, schema).isFalse();
            }
        }
    }
}
