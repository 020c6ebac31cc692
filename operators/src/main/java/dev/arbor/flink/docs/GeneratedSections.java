package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Markdown document that are generated from the code: the text between
 * {@code <!-- BEGIN GENERATED: name -->} and {@code <!-- END GENERATED: name -->}. Tests compare
 * each section with what the code generates now ({@link #stale}) and rewrite them on request
 * ({@link #write}, with {@code -Darbor.docs.update=true}), so documentation cannot drift.
 */
@Internal
public final class GeneratedSections {
    private GeneratedSections() {}

    /** Replaces every section of {@code doc} named in {@code sections} with its generated text. */
    public static void write(Path doc, Map<String, String> sections) throws IOException {
        String text = Files.readString(doc);
        for (Map.Entry<String, String> section : sections.entrySet()) {
            int[] span = span(text, section.getKey());
            if (span == null) {
                throw new IllegalStateException(doc + " has no section " + begin(section.getKey()));
            }
            text = text.substring(0, span[0]) + section.getValue() + text.substring(span[1]);
        }
        Files.writeString(doc, text);
    }

    /** The names of the sections of {@code doc} that are missing or differ from {@code sections}. */
    public static List<String> stale(Path doc, Map<String, String> sections) throws IOException {
        String text = Files.readString(doc);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> section : sections.entrySet()) {
            int[] span = span(text, section.getKey());
            if (span == null || !text.substring(span[0], span[1]).equals(section.getValue())) {
                stale.add(section.getKey());
            }
        }
        return stale;
    }

    /**
     * Sections by document ({@code docs}: relative path to sections by name) that differ under
     * {@code root}, by document.
     */
    public static Map<String, List<String>> staleDocs(Path root, Map<String, Map<String, String>> docs)
            throws IOException {
        Map<String, List<String>> stale = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> doc : docs.entrySet()) {
            List<String> names = stale(root.resolve(doc.getKey()), doc.getValue());
            if (!names.isEmpty()) {
                stale.put(doc.getKey(), names);
            }
        }
        return stale;
    }

    /** Rewrites every section of every document of {@code docs} under {@code root}. */
    public static void writeDocs(Path root, Map<String, Map<String, String>> docs) throws IOException {
        for (Map.Entry<String, Map<String, String>> doc : docs.entrySet()) {
            write(root.resolve(doc.getKey()), doc.getValue());
        }
    }

    /** Where the generated text of {@code name} lies in {@code text}, or null without its markers. */
    private static int[] span(String text, String name) {
        int from = text.indexOf(begin(name));
        int to = text.indexOf("<!-- END GENERATED: " + name + " -->");
        return from < 0 || to < from ? null : new int[] {from + begin(name).length(), to};
    }

    private static String begin(String name) {
        return "<!-- BEGIN GENERATED: " + name + " -->\n";
    }
}
