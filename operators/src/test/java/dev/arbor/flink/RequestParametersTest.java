package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.sql.SqlOptions;
import dev.arbor.kv.SamplerParams;
import dev.arbor.search.SearchRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * The table of request parameters agrees with itself, with {@link ArborOptions}' public constants,
 * with the Avro record and with the engine's defaults. (The round trip of a value through every
 * way of setting it, JSONL and SQL included, is {@code RequestParametersRoundTripTest} in the jobs.)
 */
class RequestParametersTest {
    private static final List<RequestParameter<?>> ALL = RequestParameters.all();

    @Test
    void namesOptionKeysSqlKeysAndAvroFieldsAreEachUnique() {
        assertUnique(RequestParameter::name);
        assertUnique(p -> p.option().key());
        assertUnique(p -> p.sqlOption().map(ConfigOption::key).orElse(null));
        assertUnique(p -> p.avroField().orElse(null));
    }

    private static void assertUnique(Function<RequestParameter<?>, String> attribute) {
        List<String> values = ALL.stream().map(attribute).filter(v -> v != null).toList();
        assertThat(values).doesNotHaveDuplicates();
    }

    @Test
    void everyDescriptorConstantIsARowOfTheTable() throws Exception {
        for (Field field : RequestParameters.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == RequestParameter.class) {
                assertThat(ALL).as(field.getName()).contains((RequestParameter<?>) field.get(null));
            }
        }
    }

    @Test
    void everyParameterIsTheArborOptionOfItsPublicConstantAndListedInAllInTableOrder() throws Exception {
        Map<String, Object> constants = new HashMap<>();
        for (Field field : ArborOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                constants.put(((ConfigOption<?>) field.get(null)).key(), field.get(null));
            }
        }
        for (RequestParameter<?> parameter : ALL) {
            assertThat(constants.get(parameter.option().key())).as(parameter.name()).isSameAs(parameter.option());
        }
        assertThat(ArborOptions.all()).containsSequence(ALL.stream().map(RequestParameter::option).toList());
    }

    @Test
    void everyRecordFieldIsANullableAvroFieldThatDefaultsToTheConfiguredValue() {
        for (RequestParameter<?> parameter : ALL) {
            Optional<String> field = parameter.avroField();
            assertThat(field.isPresent()).as(parameter.name()).isEqualTo(parameter.recordOverrides());
            field.ifPresent(name -> {
                Schema.Field avro = PromptRequest.getClassSchema().getField(name);
                assertThat(avro).as(name).isNotNull();
                assertThat(avro.defaultVal()).as(name + " defaults to null").isEqualTo(JsonProperties.NULL_VALUE);
            });
        }
    }

    @Test
    void aRecordWithoutOverridesBecomesTheEnginesDefaultRequestUnderTheDefaultOptions() throws Exception {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").build();
        SearchRequest mapped = new RecordMapping(config)
                .toSearchRequest(PromptRequest.newBuilder().setId("r").setPrompt("hi").build());
        // The one default that is the operator's own: the engine has no time limit of its own.
        SearchRequest engine = SearchRequest.builder("r").prompt("hi").timeout(ArborOptions.TIMEOUT.defaultValue())
                .build();
        assertThat(mapped).isEqualTo(engine);
        assertThat(config.sampler()).isEqualTo(SamplerParams.DEFAULTS);
    }

    @Test
    void theRecordsSeedIsAlsoItsSamplersSeed() throws Exception {
        ArborConfig config = ArborConfig.builder().modelPath("/m.gguf").set(ArborOptions.SEED, 5L).build();
        RecordMapping mapping = new RecordMapping(config);
        SearchRequest configured = mapping.toSearchRequest(PromptRequest.newBuilder().setId("r").setPrompt("hi").build());
        SearchRequest own = mapping.toSearchRequest(PromptRequest.newBuilder().setId("r").setPrompt("hi").setSeed(9L)
                .build());
        assertThat(configured.seed()).isEqualTo(5L);
        assertThat(configured.sampler().seed()).isEqualTo(5L);
        assertThat(own.seed()).isEqualTo(9L);
        assertThat(own.sampler().seed()).isEqualTo(9L);
        assertThat(config.sampler().seed()).as("the configured sampler carries no request's seed").isZero();
    }

    @Test
    void everySqlKeyIsAPerQueryKeyOfTheSameTypeWithoutADefault() {
        for (RequestParameter<?> parameter : ALL) {
            parameter.sqlOption().ifPresent(sql -> {
                assertThat(sql.hasDefaultValue()).as(sql.key()).isFalse();
                assertThat(sql.description()).isEqualTo(parameter.option().description());
                assertThat(SqlOptions.mappings()).filteredOn(m -> m.sql().key().equals(sql.key())).singleElement()
                        .satisfies(m -> {
                            assertThat(m.arbor()).isSameAs(parameter.option());
                            assertThat(m.perQuery()).isTrue();
                        });
            });
        }
        assertThat(RequestParameters.TIMEOUT.sqlOption().map(ConfigOption::key)).as("ML_PREDICT's own 'timeout' is "
                + "the planner's").contains("request-timeout");
    }

    @Test
    void aComplaintThatStartsWithAParameterNameIsRewrittenWithItsOptionKey() {
        assertThat(RequestParameters.withOptionKey("topP must be in (0, 1] (1 = off), was 2.0"))
                .isEqualTo("arbor.sampler.top-p must be in (0, 1] (1 = off), was 2.0");
        assertThat(RequestParameters.withOptionKey("maxNewTokens must be >= 1, was 0"))
                .isEqualTo("arbor.search.max-new-tokens must be >= 1, was 0");
        assertThat(RequestParameters.withOptionKey("unknown strategy 'x'")).isEqualTo("unknown strategy 'x'");
        assertThat(RequestParameters.optionKey("timeout")).isEqualTo("arbor.request.timeout");
    }

    @Test
    void onlyARecordFieldCanBeReadFromARecord() {
        assertThat(RequestParameters.recordOverride("timeout")).isEmpty();
        assertThat(RequestParameters.recordOverride("strategyName")).as("the JSONL key is the parameter's name")
                .isEmpty();
        assertThat(RequestParameters.recordOverride("strategy")).contains(RequestParameters.STRATEGY);
        assertThatThrownBy(() -> RequestParameters.TIMEOUT.overrideFromJson(PromptRequest.newBuilder(), null))
                .isInstanceOf(IllegalStateException.class);
    }
}
