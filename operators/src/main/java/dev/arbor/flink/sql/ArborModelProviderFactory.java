package dev.arbor.flink.sql;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * The {@code arbor} model provider for SQL's ML_PREDICT (registered as a service in
 * {@code META-INF/services/org.apache.flink.table.factories.Factory}):
 *
 * <pre>{@code
 * CREATE MODEL m INPUT (prompt STRING) OUTPUT (response STRING, score DOUBLE)
 *   WITH ('provider' = 'arbor', 'model-path' = '/models/m.gguf', 'strategy' = 'beam', 'width' = '4');
 * SELECT * FROM ML_PREDICT(TABLE prompts, MODEL m, DESCRIPTOR(prompt));
 * }</pre>
 *
 * <p>Checks everything when the model is used: unknown or bad option values (messages name the
 * SQL key), the input (a STRING prompt, optionally a STRING column named {@code reference}) and
 * the output columns (names and types of {@link OutputColumn}). Options are in {@link SqlOptions}.
 */
@Internal
public final class ArborModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "arbor";
    private static final String REFERENCE_COLUMN = "reference";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(SqlOptions.MODEL_PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return SqlOptions.optionalOptions();
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ArborConfig config;
        try {
            config = SqlOptions.modelConfig(helper.getOptions());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Invalid option of arbor model " + context.getObjectIdentifier() + ": "
                    + e.getMessage(), e);
        }
        ResolvedCatalogModel model = context.getCatalogModel();
        boolean hasReference = checkInput(model.getResolvedInputSchema().getColumns(), context);
        List<OutputColumn> outputs = checkOutput(model.getResolvedOutputSchema().getColumns(), context);
        return new ArborModelProvider(config,
                context.getConfiguration().get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_TIMEOUT),
                hasReference, outputs);
    }

    /** The prompt column, then optionally {@code reference}; both STRING. Returns whether there is a reference. */
    private static boolean checkInput(List<Column> columns, Context context) {
        boolean twoColumns = columns.size() == 2 && columns.get(1).getName().equalsIgnoreCase(REFERENCE_COLUMN);
        if (columns.isEmpty() || columns.size() > 2 || (columns.size() == 2 && !twoColumns)) {
            throw new ValidationException("arbor model " + context.getObjectIdentifier()
                    + " takes INPUT (prompt STRING) or INPUT (prompt STRING, reference STRING), was " + columns);
        }
        for (Column column : columns) {
            if (!column.getDataType().getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)) {
                throw new ValidationException("input column " + column.getName() + " of arbor model "
                        + context.getObjectIdentifier() + " must be STRING, was " + column.getDataType());
            }
        }
        return twoColumns;
    }

    private static List<OutputColumn> checkOutput(List<Column> columns, Context context) {
        List<OutputColumn> outputs = new ArrayList<>();
        for (Column column : columns) {
            OutputColumn output = OutputColumn.byName(column.getName());
            if (output == null) {
                throw new ValidationException("unknown output column " + column.getName() + " of arbor model "
                        + context.getObjectIdentifier() + "; known: " + knownOutputs());
            }
            if (!output.accepts(column.getDataType().getLogicalType().getTypeRoot())) {
                throw new ValidationException("output column " + column.getName() + " of arbor model "
                        + context.getObjectIdentifier() + " must be " + output.sqlType() + ", was "
                        + column.getDataType());
            }
            outputs.add(output);
        }
        if (outputs.isEmpty()) {
            throw new ValidationException("arbor model " + context.getObjectIdentifier() + " declares no output");
        }
        return outputs;
    }

    private static String knownOutputs() {
        List<String> names = new ArrayList<>();
        for (OutputColumn column : OutputColumn.values()) {
            names.add(column.columnName() + " " + column.sqlType());
        }
        return String.join(", ", names);
    }
}
