package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.docs.GeneratedSections;
import dev.arbor.jobs.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * docs/options.md and the user guide's exit codes say what the command line does: their generated
 * sections equal what {@link CliDocs} generates now ({@code -Darbor.docs.update=true} rewrites
 * them), and {@code arbor info --options} lists the same keys.
 */
class CliDocsTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theGeneratedSectionsAreUpToDate() throws IOException {
        if (Boolean.getBoolean("arbor.docs.update")) {
            GeneratedSections.writeDocs(ROOT, CliDocs.sections());
        }
        assertThat(GeneratedSections.staleDocs(ROOT, CliDocs.sections())).as("stale sections").isEmpty();
    }

    @Test
    void infoOptionsAndTheReferenceListTheSameKeys() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        OptionsReference.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String listing = printed.toString(StandardCharsets.UTF_8);
        for (ConfigOption<?> option : new ConfigLoader().options().values()) {
            String key = ConfigLoader.userKey(option.key());
            assertThat(listing).contains(key + " ");
            boolean inAnyTable = OptionsReference.jobOptionsTable().contains("| `" + key + "` |")
                    || dev.arbor.flink.docs.OptionsDoc.arborOptionsTable().contains("| `" + key + "` |");
            assertThat(inAnyTable).as(key + " in docs/options.md").isTrue();
        }
    }

    /** Issue 22: the user guide names every flag of the job commands (eval's own ones were missing). */
    @Test
    void theUserGuideNamesEveryFlagOfTheJobCommands() throws IOException {
        String guide = java.nio.file.Files.readString(ROOT.resolve("docs").resolve("user-guide.md"));
        for (String command : java.util.List.of("generate", "eval")) {
            picocli.CommandLine.Model.CommandSpec spec = ArborCli.commandLine().getSubcommands().get(command)
                    .getCommandSpec();
            for (picocli.CommandLine.Model.OptionSpec option : spec.options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                assertThat(guide).as(command + " " + option.longestName())
                        .containsPattern(java.util.regex.Pattern.quote(option.longestName()) + "(?![a-z-])");
            }
        }
    }

    @Test
    void everyExitCodeHasARow() {
        for (ExitCode code : ExitCode.values()) {
            assertThat(CliDocs.exitCodesTable()).contains("| " + code.code() + " | ");
        }
    }
}
