package dev.arbor.flink.sql;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.SearchResult;
import java.util.function.Function;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The output columns an {@code arbor} model may declare ({@code OUTPUT (...)}), by name, each
 * with its SQL type and how it is read from a result. A model declares any subset, in any order;
 * on an error result every column but {@code error_code} and {@code error_message} is NULL.
 */
@Internal
public enum OutputColumn {
    RESPONSE("response", "STRING", "The winning completion's text.",
            r -> winner(r, w -> StringData.fromString(w.getText()))),
    SCORE("score", "DOUBLE", "The score the winner was ranked by (beam: sumLogprob / n^length-penalty; "
            + "best-of-n: mean token logprob).", r -> winner(r, Candidate::getScore)),
    SUM_LOGPROB("sum_logprob", "DOUBLE", "Sum of the winner's token log-probabilities.",
            r -> winner(r, Candidate::getSumLogprob)),
    FINISH_REASON("finish_reason", "STRING", "Why the winner stopped: EOG, STOP, LENGTH or BUDGET (max-new-tokens "
            + "reached with the grammar's document complete).",
            r -> winner(r, w -> StringData.fromString(w.getFinishReason().name()))),
    TOKEN_COUNT("token_count", "INT", "Tokens in the winner.", r -> winner(r, w -> w.getTokens().size())),
    GRAMMAR_COMPLETE("grammar_complete", "BOOLEAN", "Under a grammar or JSON schema: whether the winner is a "
            + "complete sentence of it (FALSE when max-new-tokens cut it short); NULL without one.",
            r -> winner(r, Candidate::getGrammarComplete)),
    REFERENCE_LOGPROB("reference_logprob", "DOUBLE", "Log-likelihood of the input's reference column given "
            + "the prompt; NULL without a reference.", SearchResult::getReferenceLogprob),
    REFERENCE_PERPLEXITY("reference_perplexity", "DOUBLE", "Perplexity of the input's reference column given "
            + "the prompt; NULL without a reference.", SearchResult::getReferencePerplexity),
    ERROR_CODE("error_code", "STRING", "Error code of a rejected or failed row (EMPTY_PROMPT, PROMPT_TOO_LONG, "
            + "WIDTH_TOO_LARGE, INVALID_PARAMS, INVALID_TEXT, INVALID_GRAMMAR, CHAT_TEMPLATE, TIMEOUT, CANCELLED, FAILED); "
            + "NULL on success.",
            r -> r.getError() == null ? null : StringData.fromString(r.getError().getCode())),
    ERROR_MESSAGE("error_message", "STRING", "The error's explanation; NULL on success.",
            r -> r.getError() == null ? null : StringData.fromString(r.getError().getMessage()));

    private final String columnName;
    private final String sqlType;
    private final String description;
    private final Function<SearchResult, Object> reader;

    OutputColumn(String columnName, String sqlType, String description, Function<SearchResult, Object> reader) {
        this.columnName = columnName;
        this.sqlType = sqlType;
        this.description = description;
        this.reader = reader;
    }

    /** The column name a model declares. */
    public String columnName() {
        return columnName;
    }

    /** The SQL type it must be declared with. */
    public String sqlType() {
        return sqlType;
    }

    /** What the column holds (for the documentation). */
    public String description() {
        return description;
    }

    /** The column's value in Flink's internal data format, or null. */
    Object read(SearchResult result) {
        return reader.apply(result);
    }

    /** Whether a declared column type can hold this column's values. */
    boolean accepts(LogicalTypeRoot root) {
        return switch (sqlType) {
            case "STRING" -> root.getFamilies().contains(LogicalTypeFamily.CHARACTER_STRING);
            case "DOUBLE" -> root == LogicalTypeRoot.DOUBLE;
            case "INT" -> root == LogicalTypeRoot.INTEGER;
            case "BOOLEAN" -> root == LogicalTypeRoot.BOOLEAN;
            default -> false;
        };
    }

    /** The column of that name, or null. */
    static OutputColumn byName(String name) {
        for (OutputColumn column : values()) {
            if (column.columnName.equalsIgnoreCase(name)) {
                return column;
            }
        }
        return null;
    }

    private static <T> Object winner(SearchResult result, Function<Candidate, T> read) {
        return result.getWinner() == null ? null : read.apply(result.getWinner());
    }
}
