package dev.arbor.cli;

import dev.arbor.jobs.generate.GenerateJob;
import dev.arbor.jobs.generate.GenerateSummary;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arbor generate}: the bounded dataset-generation job ({@link GenerateJob}). */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate a dataset: run a tree search over every prompt record of JSONL or Avro files and "
                + "write the results (Avro and/or JSONL), rejected records and, if asked, preference pairs.",
                "With no arguments: conf/generate.yaml, i.e. conf/examples/prompts.jsonl on the synthetic model, "
                        + "output in arbor-out/generate/."})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    JobFlags flags;

    @Option(names = "--format", paramLabel = "AUTO|JSONL|AVRO", description = "input.format")
    String format;

    @Option(names = "--output-formats", paramLabel = "LIST", description = "output.formats, e.g. avro,jsonl")
    String outputFormats;

    @Option(names = "--pairs", description = "output.preference-pairs: also write preference pairs")
    boolean pairs;

    @Override
    public Integer call() throws Exception {
        flags.setIfGiven("input.format", format);
        flags.setIfGiven("output.formats", outputFormats == null ? null : outputFormats.replace(',', ';'));
        flags.setIfGiven("output.preference-pairs", pairs ? "true" : null);
        Configuration config = flags.load("generate.yaml");
        GenerateSummary summary = GenerateJob.run(config, System.err);
        if (summary == null) {
            System.out.println("arbor generate: submitted (detached)");
            return ExitCode.SUCCESS.code();
        }
        summary.print(System.out);
        if (!summary.reconciles()) {
            return ExitCode.JOB_FAILED.code();
        }
        return (summary.incomplete() ? ExitCode.INCOMPLETE : ExitCode.SUCCESS).code();
    }
}
