package dev.arbor.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.cli.ArborCli;
import dev.arbor.cli.ExitCode;
import dev.arbor.flink.ArborOptions;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.search.SearchStrategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue test 3: YAML + flag overrides; unknown keys and bad values are errors naming the key. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String... lines) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static Map<String, String> overrides(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void yamlSectionsMapOntoOptionsAndFlagsOverride() throws IOException {
        Path file = yaml(
                "model:",
                "  path: models/m.gguf      # relative to this file",
                "search:",
                "  strategy: best_of_n",
                "  width: 3",
                "  max-new-tokens: 12",
                "  stop: [\"\\n\\n\", \"a;b\"]",
                "sampler: {temperature: 0.5}",
                "request:",
                "  timeout: 30 s",
                "input:",
                "  path: data",
                "output:",
                "  path: /tmp/out",
                "  formats: [jsonl]",
                "job:",
                "  parallelism: 2",
                "flink:",
                "  taskmanager.numberOfTaskSlots: 4",
                "  pipeline: {name: nested}");
        Configuration config = new ConfigLoader().load(file, overrides("search.width", "5", "arbor.sampler.top-k",
                "7", "input.path", "rel/in.jsonl", "flink.parallelism.default", "3"));

        assertThat(config.get(ArborOptions.MODEL_PATH)).isEqualTo(dir.resolve("models/m.gguf").toString());
        assertThat(SearchStrategy.named(config.get(ArborOptions.STRATEGY))).isEqualTo(SearchStrategy.BEST_OF_N);
        assertThat(config.get(ArborOptions.WIDTH)).as("the flag wins over the file").isEqualTo(5);
        assertThat(config.get(ArborOptions.MAX_NEW_TOKENS)).isEqualTo(12);
        assertThat(config.get(ArborOptions.STOP)).containsExactly("\n\n", "a;b");
        assertThat(config.get(ArborOptions.TEMPERATURE)).isEqualTo(0.5f);
        assertThat(config.get(ArborOptions.TOP_K)).isEqualTo(7);
        assertThat(config.get(ArborOptions.TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(JobOptions.OUTPUT_FORMATS)).containsExactly(OutputFormat.JSONL);
        assertThat(config.get(JobOptions.PARALLELISM)).isEqualTo(2);
        assertThat(config.get(JobOptions.INPUT_PATH)).as("flag paths resolve against the working directory")
                .isEqualTo(Path.of("rel/in.jsonl").toAbsolutePath().toString());
        assertThat(config.toMap()).containsEntry("taskmanager.numberOfTaskSlots", "4")
                .containsEntry("pipeline.name", "nested").containsEntry("parallelism.default", "3");
        assertThat(config.get(ArborOptions.N_CTX)).as("unset keys keep their defaults").isEqualTo(4096);
    }

    @Test
    void aMapOptionTakesAYamlMappingWithValuesKeptAsWritten() throws IOException {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username='u' "
                + "password=\"p:1,2\";";
        Path file = yaml("kafka:",
                "  client-properties:",
                "    security.protocol: SASL_SSL",
                "    sasl.jaas.config: " + "\"" + jaas.replace("\"", "\\\"") + "\"");
        Configuration config = new ConfigLoader().load(file, Map.of());
        assertThat(config.get(KafkaOptions.CLIENT_PROPERTIES)).containsExactlyInAnyOrderEntriesOf(
                Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", jaas));

        Path nested = yaml("kafka:", "  client-properties:", "    security: {protocol: SSL}");
        assertThatThrownBy(() -> new ConfigLoader().load(nested, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.client-properties' must hold plain values").hasMessageContaining("line 3");
    }

    /** Issue 22: {@code --set} keeps a text value exactly as the shell passed it, as YAML does. */
    @Test
    void aCommandLineValueIsKeptExactlyAsWritten() throws IOException {
        Configuration fromYaml = new ConfigLoader().load(yaml("prompt:", "  prefix: \"Review: \""), Map.of());
        Configuration fromFlag = new ConfigLoader().load(null, overrides("prompt.prefix", "Review: ",
                "chat.system", "  two leading spaces, 'quotes' and = signs ", "search.stop", "[\" END\", \"\\n\\n\"]",
                "search.width", " 8 ", "job.checkpoint-interval", "2 s "));
        assertThat(fromFlag.get(ArborOptions.PROMPT_PREFIX)).isEqualTo("Review: ")
                .isEqualTo(fromYaml.get(ArborOptions.PROMPT_PREFIX));
        assertThat(fromFlag.get(ArborOptions.CHAT_SYSTEM)).isEqualTo("  two leading spaces, 'quotes' and = signs ");
        assertThat(fromFlag.get(ArborOptions.STOP)).containsExactly(" END", "\n\n");
        assertThat(fromFlag.get(ArborOptions.WIDTH)).as("blanks around a number do not matter").isEqualTo(8);
        assertThat(fromFlag.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));

        Configuration unset = new ConfigLoader().load(yaml("prompt:", "  prefix: \"Review: \""),
                overrides("prompt.prefix", ""));
        assertThat(unset.getOptional(ArborOptions.PROMPT_PREFIX)).as("an empty value unsets the key").isEmpty();
        Configuration blank = new ConfigLoader().load(null, overrides("prompt.prefix", " "));
        assertThat(blank.get(ArborOptions.PROMPT_PREFIX)).as("a blank is a value").isEqualTo(" ");
    }

    /** Issue 22, defect 9: a misspelled Flink key is refused; keys Flink or its plugins know pass. */
    @Test
    void aMisspelledFlinkKeyIsRefusedNamingTheKnownOne() throws IOException {
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("flink.taskmanager.memory.proces.size", "2g")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown Flink key 'flink.taskmanager.memory.proces.size' (the command line)")
                .hasMessageContaining("did you mean flink.taskmanager.memory.process.size?");
        Path file = yaml("flink:", "  execution.checkpointing.intervall: 10 s");
        assertThatThrownBy(() -> new ConfigLoader().load(file, Map.of()))
                .hasMessageContaining("execution.checkpointing.interval?").hasMessageContaining("line 2");
        Map<String, String> legitimate = overrides("flink.execution.checkpointing.interval", "10 s",
                "flink.taskmanager.numberOfTaskSlots", "2", "flink.parallelism.default", "2", "flink.rest.port", "8082",
                "flink.state.backend.type", "hashmap", "flink.metrics.reporter.prom.port", "9249",
                "flink.metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "flink.fs.s3a.endpoint", "http://minio:9000", "flink.s3.access-key", "x", "flink.env.java.opts.all",
                "-Xss2m", "flink.pipeline.name", "x", "flink.high-availability.type", "zookeeper",
                "flink.security.ssl.enabled", "false", "flink.jobmanager.memory.process.size", "1g");
        Configuration loaded = new ConfigLoader().load(null, legitimate);
        assertThat(loaded.toMap()).containsKeys("execution.checkpointing.interval", "metrics.reporter.prom.port",
                "fs.s3a.endpoint");
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() throws IOException {
        Path typo = yaml("search:", "  widht: 3");
        assertThatThrownBy(() -> new ConfigLoader().load(typo, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'search.widht'")
                .hasMessageContaining("line 2")
                .hasMessageContaining("width");
        Path section = yaml("serch:", "  width: 3");
        assertThatThrownBy(() -> new ConfigLoader().load(section, Map.of()))
                .hasMessageContaining("unknown key 'serch.width'").hasMessageContaining("sections:");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("sampler.temprature", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'sampler.temprature'")
                .hasMessageContaining("the command line");
        Path duplicate = yaml("search:", "  width: 3", "search:", "  width: 4");
        assertThatThrownBy(() -> new ConfigLoader().load(duplicate, Map.of()))
                .hasMessageContaining("duplicate key 'search.width'");
    }

    @Test
    void badValuesAreRejectedWithTheOptionName() throws IOException {
        Path notANumber = yaml("search:", "  width: four");
        assertThatThrownBy(() -> new ConfigLoader().load(notANumber, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'four'").hasMessageContaining("search.width").hasMessageContaining("line 2")
                .hasMessageContaining("an integer");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("search.strategy", "greedy")))
                .hasMessageContaining("search.strategy").hasMessageContaining("beam, best_of_n");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("request.timeout", "soon")))
                .hasMessageContaining("request.timeout").hasMessageContaining("duration");
        // Issue 22: the operator's messages name keys as a job file does (search.width, not arbor.search.width).
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("search.width", "0")))
                .hasMessageContaining("search.width must be >= 1").hasMessageNotContaining("arbor.search");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("sampler.top-p", "1.5")))
                .hasMessageContaining("sampler.top-p").hasMessageNotContaining("arbor.sampler");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("job.parallelism", "0")))
                .hasMessageContaining("job.parallelism must be >= 1");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("job.cluster", "localhost")))
                .hasMessageContaining("job.cluster must be host:port");
        assertThatThrownBy(() -> new ConfigLoader().load(null, overrides("eval.regex", "(")))
                .hasMessageContaining("eval.regex is not a valid regular expression");
        Path badYaml = yaml("search: [unclosed");
        assertThatThrownBy(() -> new ConfigLoader().load(badYaml, Map.of())).hasMessageContaining("not valid YAML");
    }

    @Test
    void theShippedJobFilesLoad() {
        Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
        Configuration generate = new ConfigLoader().load(conf.resolve("generate.yaml"), Map.of());
        assertThat(generate.get(JobOptions.INPUT_PATH)).isEqualTo(conf.resolve("examples/prompts.jsonl").toString());
        assertThat(generate.get(JobOptions.OUTPUT_FORMATS)).containsExactly(OutputFormat.AVRO,
                OutputFormat.JSONL);
        Configuration eval = new ConfigLoader().load(conf.resolve("eval.yaml"), Map.of());
        assertThat(eval.get(ArborOptions.STOP)).containsExactly("\n");
        assertThat(eval.get(JobOptions.EVAL_METRIC)).isEqualTo(JobOptions.Metric.EXACT);
    }

    @Test
    void theCommandLineExitsWith2AndNamesTheKey() throws IOException {
        Path file = yaml("search:", "  width: 2");
        StringWriter err = new StringWriter();
        CommandLine cli = ArborCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("generate", "--config", file.toString(), "--set", "search.widht=3");
        assertThat(code).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(err.toString()).contains("unknown key 'search.widht'");

        StringWriter err2 = new StringWriter();
        CommandLine cli2 = ArborCli.commandLine();
        cli2.setErr(new PrintWriter(err2));
        assertThat(cli2.execute("generate", "--config", file.toString(), "--width", "many"))
                .isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(err2.toString()).contains("search.width").contains("'many'");
    }

    @Test
    void everyOptionIsKnownOnce() {
        Map<String, ?> options = new ConfigLoader().options();
        assertThat(options).hasSize(ArborOptions.all().size() + JobOptions.all().size());
        assertThat(List.copyOf(options.keySet())).allMatch(key -> key.startsWith("arbor."));
    }
}
