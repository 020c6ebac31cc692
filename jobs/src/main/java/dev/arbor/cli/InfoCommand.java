package dev.arbor.cli;

import dev.arbor.jobs.config.JobOptions;
import dev.arbor.llama.LlamaLibrary;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.LlamaRuntime;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.util.EnvironmentInformation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code arbor info}: the system (Java, Flink, llama.cpp) and a model; or every configuration option. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show the system (Java, Flink, llama.cpp build and CPU features) and a model's facts.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "GGUF", description = "Model to describe (default: the synthetic "
            + "tiny model)")
    Path model;

    @Option(names = "--slots", paramLabel = "N", description = "Task slots to size a TaskManager for "
            + "(default: ${DEFAULT-VALUE}, job.parallelism's default)")
    int slots = JobOptions.PARALLELISM.defaultValue();

    @Spec
    CommandSpec spec;

    @Option(names = "--options", description = "List every job configuration key with its default and meaning")
    boolean options;

    @Override
    public Integer call() {
        if (slots < 1) {
            throw new ParameterException(spec.commandLine(), "--slots must be at least 1, was " + slots);
        }
        if (options) {
            OptionsReference.print(System.out);
            return ExitCode.SUCCESS.code();
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("arbor      0.1.0%n");
        System.out.printf("java       %s (%s), %d processors, max heap %d MiB%n", System.getProperty("java.version"),
                System.getProperty("java.vendor"), runtime.availableProcessors(), runtime.maxMemory() >> 20);
        System.out.printf("os         %s %s (%s)%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        System.out.printf("flink      %s%n", EnvironmentInformation.getVersion());
        printLlama();
        System.out.printf("models     %s (cache of synthetic models)%n", SyntheticModels.cacheDirectory());
        Path file = model != null ? model : SyntheticModels.cached(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32,
                dev.arbor.jobs.config.ModelChoice.SYNTHETIC_SEED);
        try (LlamaModel loaded = LlamaModel.load(file)) {
            System.out.printf("model      %s%n", file.toAbsolutePath());
            System.out.printf("           %s, %,d parameters, %,d bytes%n", description(loaded),
                    loaded.parameterCount(), Files.size(file));
            System.out.printf("           vocabulary %,d tokens, embedding %d, trained context %,d%n", loaded.nVocab(),
                    loaded.nEmbd(), loaded.nCtxTrain());
            System.out.printf("memory     %s (%s): %s%n", loaded.memory().describe(), loaded.memory().architecture(),
                    whatIsExact(loaded.memory()));
            System.out.printf("sizing     %s%n", Sizing.of(loaded, slots).describe());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ExitCode.SUCCESS.code();
    }

    /** One phrase on what tree search can do exactly with this memory kind (docs/llama-cpp.md has the details). */
    private static String whatIsExact(dev.arbor.llama.ModelMemory memory) {
        return switch (memory.kind()) {
            case DENSE -> "forks, cut-backs and the prefix cache share cells, all exact";
            case SLIDING_WINDOW -> "forks exact; going back exact while the window is held, else from checkpoints";
            case RECURRENT, HYBRID -> "forks exact; going back only from checkpoints (the prefix cache keeps them)";
        };
    }

    /**
     * llama.cpp's description of the model ("llama 8B Q4_K - Medium"), with the size it could not
     * name from its table of known sizes ("?B", as for the synthetic models) told from the parameters.
     */
    static String description(LlamaModel model) {
        return model.description().replace("?B", size(model.parameterCount()));
    }

    /** A parameter count as model names give it: 8.0B, 135M, 152K. */
    static String size(long parameters) {
        if (parameters >= 1_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1fB", parameters / 1e9);
        }
        if (parameters >= 1_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.0fM", parameters / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%.0fK", parameters / 1e3);
    }

    private static void printLlama() {
        boolean own = System.getProperty(LlamaLibrary.LLAMA_LIBRARY_PROPERTY) != null
                || System.getenv(LlamaLibrary.LLAMA_LIBRARY_ENV) != null;
        LlamaRuntime llama = LlamaLibrary.runtime();
        System.out.printf("llama.cpp  %s (%s), ggml %s%n", llama.llamaVersion(), llama.commit(), llama.ggmlVersion());
        System.out.printf("           %s%n", own ? llama.libraryPath() + " (yours)"
                : java.nio.file.Path.of(llama.libraryPath()).getFileName() + " (bundled in arbor-native)");
        System.out.printf("backends   %s%s%n", String.join(", ", llama.backends()),
                llama.cpuVariant().map(v -> " (CPU variant " + v + ")").orElse(""));
        for (LlamaRuntime.Device device : llama.devices()) {
            String memory = device.totalBytes() == 0 ? ""
                    : String.format(", %,d MiB free of %,d MiB", device.freeBytes() >> 20, device.totalBytes() >> 20);
            System.out.printf("device     %s %s: %s%s%n", device.type(), device.name(), device.description(), memory);
        }
        System.out.printf("gpu        %s%n", llama.hasGpu() ? "offload supported (model.gpu-layers)"
                : llama.gpuProblem().map(p -> "none: " + p).orElse("none (CPU build; mvn -Pcuda package for CUDA)"));
        System.out.printf("features   %s%n", LlamaLibrary.systemInfo());
    }
}
