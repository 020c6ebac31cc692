package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.kv.SamplerParams;
import dev.arbor.search.SearchRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Everything Arbor knows about one parameter of a search request, in one place: its name (the
 * record field, the JSONL key, the request builder's method and the name validation messages use),
 * its typed operator option with the engine's default, its SQL key, whether and how a record
 * overrides it (the Avro field, how a JSONL value is read), and where its value goes in the
 * engine's {@link SearchRequest.Builder} or its sampler.
 *
 * <p>The descriptors are the rows of {@link RequestParameters}; the options, the SQL keys, the
 * JSONL parser and {@link RecordMapping} are derived from them. Invariants: a descriptor is
 * immutable; its option, SQL option and record field have the same Java type {@code T}; a record's
 * override, when present, wins over the configured value.
 *
 * @param <T> the value's type, the same in the option, the SQL option and the record
 */
@Internal
public final class RequestParameter<T> {
    private final String name;
    private final OptionType<T> type;
    private final ConfigOption<T> option;
    private final Target<T> target;
    private final String sqlKey;
    private final RecordField<T> record;

    private RequestParameter(String name, OptionType<T> type, ConfigOption<T> option, Target<T> target,
            String sqlKey, RecordField<T> record) {
        this.name = name;
        this.type = type;
        this.option = option;
        this.target = target;
        this.sqlKey = sqlKey;
        this.record = record;
    }

    /**
     * A parameter that only the operator's configuration sets; {@link #inSql} and {@link #inRecords}
     * add the other ways to set it.
     */
    static <T> RequestParameter<T> of(String name, OptionType<T> type, String key, T defaultValue,
            String description, Target<T> target) {
        ConfigOption<T> option = type.declare(key, defaultValue).withDescription(description);
        return new RequestParameter<>(name, type, option, target, null, null);
    }

    /**
     * This parameter, also set in SQL (in CREATE MODEL and per query) by the last part of its option
     * key ({@code arbor.search.max-new-tokens}: {@code max-new-tokens}), so that the two cannot drift.
     */
    RequestParameter<T> inSql() {
        return inSql(option.key().substring(option.key().lastIndexOf('.') + 1));
    }

    /** This parameter, also set in SQL by {@code key}: only where the short name means something else there. */
    RequestParameter<T> inSql(String key) {
        return new RequestParameter<>(name, type, option, target, Objects.requireNonNull(key), record);
    }

    /** This parameter, also overridden by records in the Avro field and JSONL key of its own name. */
    RequestParameter<T> inRecords(Function<PromptRequest, T> read, BiConsumer<PromptRequest.Builder, T> write,
            Function<OverrideReader, T> json) {
        return inRecords(name, read, write, json);
    }

    /** As {@link #inRecords(Function, BiConsumer, Function)}, with an Avro field of another name. */
    RequestParameter<T> inRecords(String avroField, Function<PromptRequest, T> read,
            BiConsumer<PromptRequest.Builder, T> write, Function<OverrideReader, T> json) {
        return new RequestParameter<>(name, type, option, target, sqlKey,
                new RecordField<>(avroField, read, write, json));
    }

    /** The record field and JSONL key, and how validation messages name the parameter ({@code maxNewTokens}). */
    public String name() {
        return name;
    }

    /** The operator's option ({@code arbor.search.max-new-tokens}); its default is the engine's. */
    public ConfigOption<T> option() {
        return option;
    }

    /** The SQL option ({@code max-new-tokens}: same type, no default, the option's description), if SQL sets it. */
    public Optional<ConfigOption<T>> sqlOption() {
        return Optional.ofNullable(sqlKey).map(key -> type.declare(key, null).withDescription(option.description()));
    }

    /** Whether a record may override the configured value. */
    public boolean recordOverrides() {
        return record != null;
    }

    /** The Avro field of {@code PromptRequest} that overrides it, if records may. */
    public Optional<String> avroField() {
        return Optional.ofNullable(record).map(RecordField::avroField);
    }

    /** The record's override, or null when it has none (or records cannot override this parameter). */
    public T recordValue(PromptRequest request) {
        return record == null ? null : record.read().apply(request);
    }

    /**
     * Reads an input record's value of this parameter from {@code json} and sets it on the record
     * being built.
     *
     * @throws IllegalArgumentException from {@code json}, naming the field, when the value is not of the kind wanted
     * @throws IllegalStateException when records cannot override this parameter
     */
    public void overrideFromJson(PromptRequest.Builder builder, OverrideReader json) {
        if (record == null) {
            throw new IllegalStateException(name + " is not a record field");
        }
        record.write().accept(builder, record.json().apply(json));
    }

    /** The record's override when it has one, else the configured value (never null where the option has a default). */
    T valueFor(ArborConfig config, PromptRequest request) {
        T override = request == null ? null : recordValue(request);
        return override != null ? override : config.get(option);
    }

    /** Whether the value goes to the sampler rather than to the request's own builder. */
    boolean setsSampler() {
        return target.sampler() != null;
    }

    /** @throws IllegalArgumentException when the value cannot be taken (an unknown strategy name) */
    void apply(SearchRequest.Builder request, SamplerParams.Builder sampler, T value) {
        if (target.request() != null) {
            target.request().accept(request, value);
        } else {
            target.sampler().accept(sampler, value);
        }
    }

    @Override
    public String toString() {
        return name + " (" + option.key() + ")";
    }

    /** How a record carries the parameter: its Avro field, read and written, and its JSONL value's kind. */
    private record RecordField<T>(String avroField, Function<PromptRequest, T> read,
            BiConsumer<PromptRequest.Builder, T> write, Function<OverrideReader, T> json) {}

    /** Where the value goes: exactly one of the request's builder and the sampler's builder. */
    record Target<T>(BiConsumer<SearchRequest.Builder, T> request, BiConsumer<SamplerParams.Builder, T> sampler) {
        static <T> Target<T> request(BiConsumer<SearchRequest.Builder, T> set) {
            return new Target<>(set, null);
        }

        static <T> Target<T> sampler(BiConsumer<SamplerParams.Builder, T> set) {
            return new Target<>(null, set);
        }
    }

    /**
     * How Flink declares an option of type {@code T}: with a default, or none (null), as the SQL keys
     * are (an unset SQL key leaves the operator's option as it is).
     */
    @FunctionalInterface
    interface OptionType<T> {
        OptionType<Integer> INT = typed(ConfigOptions.OptionBuilder::intType);
        OptionType<Long> LONG = typed(ConfigOptions.OptionBuilder::longType);
        OptionType<Float> FLOAT = typed(ConfigOptions.OptionBuilder::floatType);
        OptionType<Double> DOUBLE = typed(ConfigOptions.OptionBuilder::doubleType);
        OptionType<Boolean> BOOLEAN = typed(ConfigOptions.OptionBuilder::booleanType);
        OptionType<String> STRING = typed(ConfigOptions.OptionBuilder::stringType);
        OptionType<Duration> DURATION = typed(ConfigOptions.OptionBuilder::durationType);
        /** A list of strings, written {@code a;b} in a configuration (Flink's list syntax). */
        OptionType<List<String>> STRING_LIST = (key, value) -> value == null
                ? ConfigOptions.key(key).stringType().asList().noDefaultValue()
                : ConfigOptions.key(key).stringType().asList().defaultValues(value.toArray(new String[0]));

        ConfigOption<T> declare(String key, T defaultValue);

        private static <T> OptionType<T> typed(
                Function<ConfigOptions.OptionBuilder, ConfigOptions.TypedConfigOptionBuilder<T>> type) {
            return (key, value) -> {
                ConfigOptions.TypedConfigOptionBuilder<T> builder = type.apply(ConfigOptions.key(key));
                return value == null ? builder.noDefaultValue() : builder.defaultValue(value);
            };
        }
    }
}
