package dev.arbor.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The fenced code blocks of the project's Markdown documents, with what their info string says
 * about them. After the language, an info string may carry words ({@code run},
 * {@code illustrative}) and settings ({@code file=PATH}, {@code region=NAME}, {@code output=NAME}),
 * which {@link DocExamplesTest} acts on: GitHub shows only the language.
 */
record DocBlocks(Path root, List<DocBlocks.Block> blocks) {
    /**
     * One fenced block.
     *
     * @param file the document, relative to the repository root
     * @param line the line of its opening fence (1-based)
     */
    record Block(Path file, int line, String language, Set<String> words, Map<String, String> settings,
            String content) {
        boolean is(String word) {
            return words.contains(word);
        }

        String where() {
            return file + ":" + line;
        }
    }

    /** README.md and every Markdown file under docs/, except the sources of the examples. */
    static DocBlocks of(Path root) {
        List<Block> blocks = new ArrayList<>();
        for (Path doc : documents(root)) {
            blocks.addAll(parse(root.relativize(doc), read(doc)));
        }
        return new DocBlocks(root, blocks);
    }

    private static List<Path> documents(Path root) {
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/")).sorted()
                    .forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<Block> parse(Path file, String text) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String fence = lines[i].strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            int opened = i;
            StringBuilder content = new StringBuilder();
            for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) {
                content.append(lines[i]).append('\n');
            }
            blocks.add(block(file, opened + 1, fence.substring(3).strip(), content.toString()));
        }
        return blocks;
    }

    private static Block block(Path file, int line, String info, String content) {
        String[] parts = info.isEmpty() ? new String[0] : info.split("\\s+");
        Set<String> words = new LinkedHashSet<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                settings.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            } else {
                words.add(parts[i]);
            }
        }
        return new Block(file, line, parts.length > 0 ? parts[0] : "", words, settings, content);
    }

    /**
     * The lines of {@code file} between its {@code region NAME} and the next {@code endregion}
     * marker (in any comment syntax), without their common indentation; the whole file without a
     * region.
     */
    static String region(Path file, String name) {
        List<String> lines = List.of(read(file).split("\n", -1));
        if (name == null) {
            return String.join("\n", lines);
        }
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(".*\\bregion " + java.util.regex.Pattern.quote(name) + "\\b.*")) {
                from = i + 1;
                break;
            }
        }
        if (from < 0) {
            throw new IllegalArgumentException(file + " has no region " + name);
        }
        int to = from;
        while (to < lines.size() && !lines.get(to).contains("endregion")) {
            to++;
        }
        List<String> body = lines.subList(from, to);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : body) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }

    /**
     * The {@code ./arbor} command lines of a shell block: continuation backslashes joined, trailing
     * {@code # comments} and what follows {@code &}, {@code |} or {@code ;} cut, each split into
     * arguments the way a shell would for these simple lines (single and double quotes group words).
     */
    static List<List<String>> arborCommands(String shell) {
        List<List<String>> commands = new ArrayList<>();
        for (String line : shell.replace("\\\n", " ").split("\n")) {
            List<String> words = words(line);
            if (!words.isEmpty() && words.get(0).equals("./arbor")) {
                commands.add(words.subList(1, words.size()));
            }
        }
        return commands;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if ((c == '#' && word == null) || c == '&' || c == '|' || c == ';') {
                break; // a comment, or the end of this command
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
