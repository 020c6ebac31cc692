package dev.arbor.cli;

import dev.arbor.flink.docs.MarkdownTable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generated sections that come from the command line: the jobs' own keys and the exit codes.
 * Paths are relative to the repository root; see {@link dev.arbor.flink.docs.GeneratedSections}.
 */
final class CliDocs {
    private CliDocs() {}

    static Map<String, Map<String, String>> sections() {
        Map<String, Map<String, String>> docs = new LinkedHashMap<>();
        docs.put("docs/options.md", Map.of("job options", OptionsReference.jobOptionsTable()));
        docs.put("docs/user-guide.md", Map.of("exit codes", exitCodesTable()));
        return docs;
    }

    static String exitCodesTable() {
        MarkdownTable table = new MarkdownTable("Code", "Meaning");
        for (ExitCode code : ExitCode.values()) {
            table.row(Integer.toString(code.code()), MarkdownTable.text(code.meaning()));
        }
        return table.toString();
    }
}
