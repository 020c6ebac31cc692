package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.search.SearchStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading, validating and carrying the operator's settings. */
class ArborConfigTest {

    @Test
    void readsEveryOptionFromAFlinkConfigurationOfStringsAndIgnoresOtherKeys() {
        Configuration flink = Configuration.fromMap(Map.ofEntries(
                Map.entry("arbor.model.path", "/models/m.gguf"),
                Map.entry("arbor.context.n-seq-max", "8"),
                Map.entry("arbor.search.strategy", "best_of_n"),
                Map.entry("arbor.search.width", "3"),
                Map.entry("arbor.search.stop", "END;'\n\n'"), // quoted: Flink trims unquoted items
                Map.entry("arbor.sampler.top-p", "0.5"),
                Map.entry("arbor.request.timeout", "30 s"),
                Map.entry("arbor.async.ordered", "true"),
                Map.entry("parallelism.default", "7")));
        ArborConfig config = ArborConfig.from(flink);

        assertThat(config.modelPath()).isEqualTo("/models/m.gguf");
        assertThat(config.strategy()).isEqualTo(SearchStrategy.BEST_OF_N);
        assertThat(config.get(ArborOptions.WIDTH)).isEqualTo(3);
        assertThat(config.get(ArborOptions.STOP)).containsExactly("END", "\n\n");
        assertThat(config.get(ArborOptions.TOP_P)).isEqualTo(0.5f);
        assertThat(config.get(ArborOptions.TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(ArborOptions.ORDERED)).isTrue();
        assertThat(config.engineCapacity()).isEqualTo(16);
        assertThat(config.toConfiguration().toMap()).doesNotContainKey("parallelism.default");
        assertThat(config.sampler().topP()).isEqualTo(0.5f);
    }

    @Test
    void unsetOptionsTakeTheirDefaults() {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").build();
        for (ConfigOption<?> option : ArborOptions.all()) {
            if (option.hasDefaultValue()) {
                assertThat((Object) config.get(option)).as(option.key()).isEqualTo(option.defaultValue());
            }
        }
        assertThat(config.engineCapacity()).as("0 = 2 x n-seq-max").isEqualTo(32);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(config.contextParams().threads()).as("0 = every core for the only slot").isEqualTo(cores);
        assertThat(config.contextParams(cores).threads()).as("0 = a core each for as many slots").isEqualTo(1);
        assertThat(ArborConfig.builder().modelPath("/m.gguf").set(ArborOptions.THREADS, 3).build()
                .contextParams(cores).threads()).as("set: as set").isEqualTo(3);
        assertThat(config.contextParams().nCtx()).isEqualTo(4096);
        assertThat(config.modelParams().nGpuLayers()).isZero();
        assertThat(config.prefixCache()).isEqualTo(dev.arbor.search.PrefixCacheConfig.defaults());
    }

    @Test
    void schemasAreConvertedWithLlamaCppsDigitBoundUnlessTheOptionsSayOtherwise() {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").build();
        assertThat(config.schemaBounds()).isEqualTo(dev.arbor.grammar.GbnfOptions.DEFAULTS);
        assertThat(config.schemaBounds().maxDigits()).isEqualTo(16);
        ArborConfig set = config.toBuilder().set(ArborOptions.SCHEMA_MAX_DIGITS, 0)
                .set(ArborOptions.SCHEMA_MAX_STRING_LENGTH, 40).set(ArborOptions.SCHEMA_MAX_ITEMS, 5).build();
        assertThat(set.schemaBounds()).isEqualTo(new dev.arbor.grammar.GbnfOptions(40, 5, null));
    }

    @Test
    void thePrefixCacheOptionsReachTheEngineConfig() {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").set(ArborOptions.CACHE_ENABLED, false)
                .set(ArborOptions.CACHE_MAX_CELLS, 900).set(ArborOptions.CACHE_MIN_PREFIX_TOKENS, 32).build();
        assertThat(config.prefixCache()).isEqualTo(new dev.arbor.search.PrefixCacheConfig(false, 900, 32));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(ArborOptions.WIDTH, 0, "arbor.search.width must be >= 1, was 0"),
                Arguments.of(ArborOptions.WIDTH, 17, "arbor.search.width must be <= arbor.context.n-seq-max (16), was 17"),
                Arguments.of(ArborOptions.MAX_NEW_TOKENS, 0, "arbor.search.max-new-tokens must be >= 1, was 0"),
                Arguments.of(ArborOptions.N_CTX, 0, "arbor.context.n-ctx must be >= 1, was 0"),
                Arguments.of(ArborOptions.N_SEQ_MAX, 0, "arbor.context.n-seq-max must be >= 1, was 0"),
                Arguments.of(ArborOptions.GPU_LAYERS, -1, "arbor.model.gpu-layers must be >= 0, was -1"),
                Arguments.of(ArborOptions.THREADS, -1, "arbor.context.threads must be >= 0, was -1"),
                Arguments.of(ArborOptions.CAPACITY, -1, "arbor.async.capacity must be >= 0, was -1"),
                Arguments.of(ArborOptions.CACHE_MAX_CELLS, -1, "arbor.cache.max-cells must be >= 0, was -1"),
                Arguments.of(ArborOptions.CACHE_MIN_PREFIX_TOKENS, 0,
                        "arbor.cache.min-prefix-tokens must be >= 1, was 0"),
                Arguments.of(ArborOptions.ROUTING_PREFIX_TOKENS, -1, "arbor.routing.prefix-tokens must be >= 0, was -1"),
                Arguments.of(ArborOptions.TOP_P, 2f, "arbor.sampler.top-p must be in (0, 1]"),
                Arguments.of(ArborOptions.TEMPERATURE, -1f, "arbor.sampler.temperature must be >= 0"),
                Arguments.of(ArborOptions.REPEAT_LAST_N, -1, "arbor.sampler.repeat-last-n must be >= 0"),
                Arguments.of(ArborOptions.LENGTH_PENALTY, Double.NaN, "arbor.search.length-penalty must be finite"),
                Arguments.of(ArborOptions.STOP, List.of("ok", ""), "arbor.search.stop must not contain empty strings"),
                Arguments.of(ArborOptions.TIMEOUT, Duration.ZERO, "arbor.request.timeout must be positive"),
                Arguments.of(ArborOptions.MAX_STEPS, 0, "arbor.search.max-steps must be >= 1, was 0"),
                Arguments.of(ArborOptions.ANSWER_PATTERN, "([0-9]", "arbor.search.answer-pattern is not a regular "
                        + "expression"),
                Arguments.of(ArborOptions.SCHEMA_MAX_DIGITS, -1, "arbor.schema.max-digits must be in [0, 2000], was -1"),
                Arguments.of(ArborOptions.SCHEMA_MAX_ITEMS, 2001, "arbor.schema.max-items must be in [0, 2000], was 2001"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    <T> void aBadValueIsRejectedNamingItsKey(ConfigOption<T> option, T value, String message) {
        assertThatThrownBy(() -> ArborConfig.builder().modelPath("/m.gguf").set(option, value).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
        Configuration flink = new Configuration();
        flink.set(ArborOptions.MODEL_PATH, "/m.gguf");
        flink.set(option, value);
        assertThatThrownBy(() -> ArborConfig.from(flink)).hasMessageStartingWith(message);
    }

    @Test
    void theModelPathIsRequired() {
        assertThatThrownBy(() -> ArborConfig.builder().build()).hasMessageContaining("arbor.model.path is required");
        assertThatThrownBy(() -> ArborConfig.from(new Configuration())).hasMessageContaining("arbor.model.path");
    }

    @Test
    void anUnparsableValueNamesItsKey() {
        Configuration flink = Configuration.fromMap(Map.of("arbor.model.path", "/m", "arbor.search.width", "wide"));
        assertThatThrownBy(() -> ArborConfig.from(flink)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arbor.search.width");
    }

    /** Issue 10, defect 5: a typo under arbor. is an error naming it, not a setting with no effect. */
    @Test
    void unknownArborKeysAreRejectedNamingThemAndListingTheValidOnes() {
        Configuration flink = Configuration.fromMap(Map.of("arbor.model.path", "/m", "arbor.search.widht", "2",
                "someone.else.key", "x"));
        assertThatThrownBy(() -> ArborConfig.from(flink)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown Arbor option 'arbor.search.widht'")
                .hasMessageContaining("valid keys: arbor.async.capacity, ").hasMessageEndingWith(", arbor.search.width");
        Configuration two = Configuration.fromMap(Map.of("arbor.model.path", "/m", "arbor.serach.width", "2",
                "arbor.x", "1"));
        assertThatThrownBy(() -> ArborConfig.from(two)).hasMessageContaining("'arbor.serach.width', 'arbor.x'");
    }

    /** Issue 10, defect 1: width x max-new-tokens is computed without overflow and must fit the context. */
    @Test
    void aSearchBudgetThatCanNeverFitTheContextIsRejected() {
        assertThatThrownBy(() -> ArborConfig.builder().modelPath("/m").set(ArborOptions.MAX_NEW_TOKENS, 600_000_000)
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arbor.search.max-new-tokens x arbor.search.width (600000000 x 4 = 2400000000 "
                        + "KV cells) must leave room for a prompt in arbor.context.n-ctx (4096)");
        assertThatThrownBy(() -> ArborConfig.builder().modelPath("/m").set(ArborOptions.WIDTH, 16)
                .set(ArborOptions.MAX_NEW_TOKENS, Integer.MAX_VALUE).build()).hasMessageContaining("34359738352");
        assertThatThrownBy(() -> ArborConfig.builder().modelPath("/m").set(ArborOptions.MAX_NEW_TOKENS, 1024).build())
                .as("4 x 1024 leaves no cell for the prompt").hasMessageContaining("4096 KV cells");
        assertThat(ArborConfig.builder().modelPath("/m").set(ArborOptions.MAX_NEW_TOKENS, 1023).build()
                .get(ArborOptions.MAX_NEW_TOKENS)).isEqualTo(1023);
    }

    @Test
    void theBuilderTakesOnlyArborOptions() {
        ConfigOption<Integer> foreign = ConfigOptions.key("other.width").intType().defaultValue(1);
        assertThatThrownBy(() -> ArborConfig.builder().set(foreign, 2)).hasMessageContaining("other.width");
    }

    @Test
    void survivesJavaSerializationAndTheConfigurationRoundTrip() throws Exception {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").set(ArborOptions.STRATEGY, SearchStrategy.BEST_OF_N.name())
                .set(ArborOptions.STOP, List.of("x")).set(ArborOptions.TIMEOUT, Duration.ofSeconds(5)).build();
        assertThat(InstantiationUtil.clone(config)).isEqualTo(config);
        assertThat(ArborConfig.from(config.toConfiguration())).isEqualTo(config);
        assertThat(config.toBuilder().set(ArborOptions.WIDTH, 2).build().get(ArborOptions.WIDTH)).isEqualTo(2);
        assertThat(config.get(ArborOptions.WIDTH)).as("immutable").isEqualTo(4);
    }
}
