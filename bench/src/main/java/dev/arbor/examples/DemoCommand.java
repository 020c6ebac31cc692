package dev.arbor.examples;

import dev.arbor.annotation.Internal;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arbor demo}: the raw batched-decode example ({@link BatchedDecode}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Decode several continuations of one prompt in one batch per step (raw API demo).")
@Internal
public final class DemoCommand implements Runnable {
    @Option(names = "--model", description = "GGUF model file (default: the synthetic tiny model)")
    Path model;

    @Option(names = "--prompt", defaultValue = "Once upon a time there was a king who")
    String prompt;

    @Option(names = {"-n", "--sequences"}, defaultValue = "4", description = "Sequences to decode together")
    int sequences;

    @Override
    public void run() {
        BatchedDecode.main(new String[] {model == null ? "" : model.toString(), prompt, String.valueOf(sequences)});
    }
}
