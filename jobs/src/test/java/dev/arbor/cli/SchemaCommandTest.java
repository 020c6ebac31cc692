package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code arbor schema FILE}: the bounds, the rules, the smallest document and its token count; exit
 * code 2 for a budget it does not fit and for a schema Arbor refuses.
 */
class SchemaCommandTest {
    private static final String SCHEMA = """
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12},
              "days": {"type": "integer"}}, "required": ["city", "days"], "additionalProperties": false}""";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = ArborCli.commandLine();
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void reportsTheBoundsTheRulesAndTheSmallestDocumentsTokens() throws Exception {
        Path schema = Files.writeString(dir.resolve("trip.json"), SCHEMA);
        Run run = run("schema", schema.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("JSON Schema").contains("digits: at most 16")
                .contains("strings without maxLength: as the schema says")
                .contains("root ::= ")
                .contains("smallest  {\"city\":\"\",\"days\":0}")
                .containsPattern("tokens    \\d+ with .*synthetic model")
                .contains("fits max-new-tokens 64");
        Run unbounded = run("schema", "--max-digits", "0", "--max-string-length", "5", schema.toString());
        assertThat(unbounded.out()).contains("digits: unbounded").contains("arrays without maxItems, and maps: as");
        assertThat(unbounded.out()).doesNotContain("{0,15}");
    }

    @Test
    void aBudgetTheSmallestDocumentDoesNotFitIsBadUsageNamingTheTokensNeeded() throws Exception {
        Path schema = Files.writeString(dir.resolve("trip.json"), SCHEMA);
        Run run = run("schema", "--max-new-tokens", "3", schema.toString());
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("more than max-new-tokens 3").contains("at least");
    }

    @Test
    void aGrammarFileIsReportedAsWrittenAndOneWithoutAComputableClosingSaysSo() throws Exception {
        Path arithmetic = Files.writeString(dir.resolve("sum.gbnf"), "root ::= [0-9]+ (\"+\" [0-9]+)*\n");
        Run run = run("schema", arithmetic.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("GBNF grammar").contains("bounds    none").contains("smallest  0 (1 bytes)");
        Path tokens = Files.writeString(dir.resolve("tokens.gbnf"), "root ::= \"a\" <[3]>\n");
        Run untracked = run("schema", tokens.toString());
        assertThat(untracked.code()).as(untracked.err()).isZero();
        assertThat(untracked.out()).contains("closing   cannot be computed").contains("refers to tokens");
    }

    @Test
    void aSchemaArborRefusesIsBadUsageNamingTheKeyword() throws Exception {
        Path schema = Files.writeString(dir.resolve("bad.json"), "{\"type\": \"string\", \"pattern\": \"a+\"}");
        Run run = run("schema", schema.toString());
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("pattern");
    }
}
