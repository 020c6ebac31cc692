package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The examples in README.md and docs/ are true: every code block is run, quoted from a file the
 * build compiles and tests, or marked {@code illustrative} (see {@link DocBlocks} for the marks).
 *
 * <ul>
 *   <li>{@code file=PATH [region=NAME]}: the block is that file (or region) word for word.
 *   <li>{@code run}: its {@code ./arbor} lines run, in a child JVM whose working directory holds a
 *       copy of {@code conf/} (one per document), and must succeed. Other lines ({@code mvn -B
 *       verify}) are not run here: CI runs that one itself.
 *   <li>{@code output=COMMAND}: the block is what the last run of {@code ./arbor COMMAND} above it
 *       printed, in shape: numbers, ids and generated text may differ, lines may not.
 *   <li>Every {@code ./arbor} line of any block, illustrative ones included, parses.
 * </ul>
 */
class DocExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize(); // tests run in the module
    private static final DocBlocks DOCS = DocBlocks.of(ROOT);
    /** Development tools the {@code ./arbor} script hands to the bench module, not to this CLI. */
    private static final Set<String> DEV_TOOLS = Set.of("bench", "demo");

    @Test
    void everyBlockIsRunQuotedComparedOrMarkedIllustrative() {
        List<String> unmarked = DOCS.blocks().stream()
                .filter(b -> !b.settings().containsKey("file") && !b.settings().containsKey("output") && !b.is("run")
                        && !b.is("illustrative"))
                .map(DocBlocks.Block::where).toList();
        assertThat(unmarked).as("blocks neither checked nor marked illustrative").isEmpty();
        assertThat(DOCS.blocks()).as("blocks found").hasSizeGreaterThan(10);
    }

    @Test
    void quotedBlocksAreTheirFilesWordForWord() {
        for (DocBlocks.Block block : DOCS.blocks()) {
            String file = block.settings().get("file");
            if (file != null) {
                assertThat(block.content()).as(block.where() + " quotes " + file)
                        .isEqualTo(DocBlocks.region(ROOT.resolve(file), block.settings().get("region")));
            }
        }
    }

    @Test
    void everyArborCommandLineParses() {
        int parsed = 0;
        for (DocBlocks.Block block : DOCS.blocks()) {
            for (List<String> args : DocBlocks.arborCommands(block.content())) {
                if (args.isEmpty() || DEV_TOOLS.contains(args.get(0))) {
                    continue;
                }
                try {
                    ArborCli.commandLine().parseArgs(args.toArray(String[]::new));
                    parsed++;
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError(block.where() + ": ./arbor " + String.join(" ", args) + ": "
                            + e.getMessage(), e);
                }
            }
        }
        assertThat(parsed).isPositive();
    }

    @Test
    void runBlocksSucceedAndPrintWhatTheDocsShow(@TempDir Path temp) throws Exception {
        Map<Path, Path> workdirs = new HashMap<>(); // per document, as if each were followed in a fresh checkout
        Map<String, String> printed = new HashMap<>(); // "file|command" -> stdout of its last run
        int ran = 0;
        for (DocBlocks.Block block : DOCS.blocks()) {
            if (block.is("run")) {
                Path workdir = workdirs.get(block.file());
                if (workdir == null) {
                    workdir = Files.createDirectory(temp.resolve("doc" + workdirs.size()));
                    copy(ROOT.resolve("conf"), workdir.resolve("conf"));
                    workdirs.put(block.file(), workdir);
                }
                for (List<String> args : DocBlocks.arborCommands(block.content())) {
                    Run run = run(workdir, args);
                    assertThat(run.code()).as(block.where() + ": ./arbor " + String.join(" ", args) + "\n" + run.err())
                            .isZero();
                    printed.put(block.file() + "|" + args.get(0), run.out());
                    ran++;
                }
            }
            String command = block.settings().get("output");
            if (command != null) {
                String out = printed.get(block.file() + "|" + command);
                assertThat(out).as(block.where() + ": no ./arbor " + command + " ran above it").isNotNull();
                assertThat(shape(block.content())).as(block.where() + " (numbers, ids and text aside)")
                        .isEqualTo(shape(out));
            }
        }
        assertThat(ran).as("commands run").isPositive();
    }

    /**
     * What stays when numbers, UUIDs, generated text and column padding are taken out: the lines
     * and their words.
     */
    static String shape(String text) {
        return text.strip().lines()
                .map(line -> line.replaceAll("\"text\" : \"(?:[^\"\\\\]|\\\\.)*\"", "\"text\" : \"…\"")
                        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                        .replaceAll("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?", "0")
                        .replaceAll("\\s+", " ").strip())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theShapeIgnoresFiguresButNotLines() {
        assertThat(shape("  records in    36   conf/a.jsonl\n\"text\" : \"a \\\" b\", 1.5e-3"))
                .isEqualTo(shape("  records in  1200   conf/a.jsonl\n\"text\" : \"other\", -2"));
        assertThat(shape("  results  3\n")).isNotEqualTo(shape("  results  3\n  rejected 0\n"));
    }

    private record Run(int code, String out, String err) {}

    /** {@code ./arbor args} in a child JVM ({@link ChildCli}), with {@code workdir} as its working directory and home. */
    private static Run run(Path workdir, List<String> args) throws IOException, InterruptedException {
        ChildCli child = ChildCli.start(workdir, args);
        int code = child.await(5);
        return new Run(code, child.out(), child.err());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString().replace(File.separatorChar, '/'));
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
