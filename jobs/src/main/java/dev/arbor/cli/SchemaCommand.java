package dev.arbor.cli;

import dev.arbor.flink.ArborOptions;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.GrammarSource;
import dev.arbor.grammar.InvalidSchemaException;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.ModelChoice;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.InvalidGrammarException;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import dev.arbor.search.ClosingCost;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code arbor schema FILE}: what a JSON Schema (or, for a {@code .gbnf} file, a grammar) becomes
 * before a run: the bounds it is converted with, the grammar's rules, its smallest document and how
 * many tokens the model writes it in, and whether that fits {@code max-new-tokens} (a request that
 * does not is rejected with INVALID_PARAMS). Exit code 2 when it does not fit, or for a schema or
 * grammar Arbor refuses (the message names the keyword or the line).
 */
@Command(name = "schema", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check a JSON Schema (or a .gbnf grammar) before a run: the bounds applied, the grammar's "
                + "rules, the smallest document and its token count, and whether it fits max-new-tokens.")
final class SchemaCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A JSON Schema file, or a GBNF grammar (name ending in .gbnf)")
    Path file;

    @Option(names = {"-m", "--model"}, paramLabel = "GGUF", description = "Whose tokenizer counts the tokens "
            + "(default: the synthetic tiny model jobs use without model.path)")
    Path model;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "The budget to check against "
            + "(default: ${DEFAULT-VALUE}, search.max-new-tokens' default)")
    int maxNewTokens = ArborOptions.MAX_NEW_TOKENS.defaultValue();

    @Option(names = "--max-digits", paramLabel = "N", description = "schema.max-digits: digits of an integer part "
            + "or a fraction without minimum/maximum; 0 = no bound (default: ${DEFAULT-VALUE})")
    int maxDigits = ArborOptions.SCHEMA_MAX_DIGITS.defaultValue();

    @Option(names = "--max-string-length", paramLabel = "N", description = "schema.max-string-length; 0 = as the "
            + "schema says (default: ${DEFAULT-VALUE})")
    int maxStringLength = ArborOptions.SCHEMA_MAX_STRING_LENGTH.defaultValue();

    @Option(names = "--max-items", paramLabel = "N", description = "schema.max-items; 0 = as the schema says "
            + "(default: ${DEFAULT-VALUE})")
    int maxItems = ArborOptions.SCHEMA_MAX_ITEMS.defaultValue();

    @Override
    public Integer call() {
        String text = read(file);
        boolean gbnf = file.getFileName().toString().endsWith(".gbnf");
        GbnfOptions bounds = gbnf ? null : bounds();
        String grammar = gbnf ? text : convert(text, bounds);
        Path modelFile = model != null ? model : SyntheticModels.cached(JobOptions.SYNTHETIC_MODEL.defaultValue(),
                SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, ModelChoice.SYNTHETIC_SEED);
        if (model != null && !Files.isRegularFile(model)) {
            throw new ConfigException("the model file " + model + " does not exist (--model)");
        }
        PrintStream out = System.out;
        out.printf("%-9s %s (%s)%n", "file", file, gbnf ? "GBNF grammar" : "JSON Schema");
        printBounds(out, bounds);
        try (LlamaModel loaded = LlamaModel.load(modelFile)) {
            check(loaded, grammar);
            String[] rules = grammar.strip().split("\n");
            out.printf("%-9s %d rules, start rule root%n", "grammar", rules.length);
            for (String rule : rules) {
                out.printf("  %s%n", rule);
            }
            ClosingCost cost;
            try {
                cost = ClosingCost.of(loaded, grammar, GrammarSource.DEFAULT_ROOT);
            } catch (IllegalArgumentException e) {
                out.printf("%-9s cannot be computed: %s; searches under it run without a closing budget, and a "
                        + "completion cut short by max-new-tokens says grammarComplete: false%n", "closing",
                        e.getMessage());
                return ExitCode.SUCCESS.code();
            }
            String smallest = cost.smallestDocument();
            out.printf("%-9s %s (%d bytes)%n", "smallest", smallest, smallest.getBytes(StandardCharsets.UTF_8).length);
            out.printf("%-9s %d with %s%s%n", "tokens", cost.smallestDocumentTokens(), modelFile,
                    model == null ? " (the synthetic model; --model for yours)" : "");
            if (cost.smallestDocumentTokens() > maxNewTokens) {
                throw new ConfigException("the smallest document takes " + cost.smallestDocumentTokens()
                        + " tokens, more than max-new-tokens " + maxNewTokens + ": requests would be rejected with "
                        + "INVALID_PARAMS; set search.max-new-tokens to at least " + cost.smallestDocumentTokens());
            }
            out.printf("%-9s fits max-new-tokens %d: every completion is a complete document (finish reason EOG or "
                    + "BUDGET)%n", "budget", maxNewTokens);
        }
        return ExitCode.SUCCESS.code();
    }

    private GbnfOptions bounds() {
        for (int value : new int[] {maxDigits, maxStringLength, maxItems}) {
            if (value < 0 || value > GbnfOptions.MAX_BOUND) {
                throw new ConfigException("bounds must be in [0, " + GbnfOptions.MAX_BOUND + "], was " + value);
            }
        }
        return new GbnfOptions(orNull(maxStringLength), orNull(maxItems), orNull(maxDigits));
    }

    private static Integer orNull(int bound) {
        return bound == 0 ? null : bound;
    }

    private static void printBounds(PrintStream out, GbnfOptions bounds) {
        if (bounds == null) {
            out.printf("%-9s none: a grammar is used as written%n", "bounds");
            return;
        }
        out.printf("%-9s digits: %s in an integer part and in a fraction, where minimum/maximum set none%n", "bounds",
                bounds.maxDigits() == null ? "unbounded" : "at most " + bounds.maxDigits());
        out.printf("%-9s strings without maxLength: %s%n", "", bounds.maxStringLength() == null
                ? "as the schema says (the closing budget ends them)" : "at most " + bounds.maxStringLength());
        out.printf("%-9s arrays without maxItems, and maps: %s%n", "", bounds.maxItems() == null
                ? "as the schema says (the closing budget ends them)" : "at most " + bounds.maxItems() + " items");
        out.printf("%-9s whitespace: at most one space between tokens, none around the document%n", "");
    }

    private static String convert(String schema, GbnfOptions bounds) {
        try {
            return SchemaToGbnf.convert(schema, bounds).text();
        } catch (InvalidSchemaException e) {
            throw new ConfigException("the schema cannot be converted: " + e.getMessage(), e);
        }
    }

    /** llama.cpp is the judge of a grammar: one it refuses is bad input, named as it names it. */
    private static void check(LlamaModel model, String grammar) {
        try (Grammar parsed = Grammar.parse(model, grammar, GrammarSource.DEFAULT_ROOT)) {
            // parsed: only the verdict matters here
        } catch (InvalidGrammarException e) {
            throw new ConfigException("invalid grammar: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
