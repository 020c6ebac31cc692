package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which generated sections of which documents come from this module: the operator's options,
 * records, metrics, error codes and SQL tables. Paths are relative to the repository root.
 */
@Internal
public final class OperatorDocs {
    private OperatorDocs() {}

    /** Sections by document (relative path), each by its marker name. */
    public static Map<String, Map<String, String>> sections() {
        Map<String, Map<String, String>> docs = new LinkedHashMap<>();
        docs.put("docs/options.md", Map.of("operator options", OptionsDoc.arborOptionsTable()));
        docs.put("docs/user-guide.md", Map.of("records", RecordsDoc.tables(), "metrics", MetricsDoc.table(),
                "error codes", ErrorsDoc.table()));
        docs.put("docs/flink.md", Map.of("sql options", SqlDocs.optionsTable(), "sql output columns",
                SqlDocs.outputColumnsTable()));
        return docs;
    }
}
