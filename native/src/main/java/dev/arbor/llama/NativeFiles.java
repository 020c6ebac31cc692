package dev.arbor.llama;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index of the native files a build of arbor-native carries ({@value LlamaLibrary#INDEX_FILE}):
 * one file name per line, written by the build, so that the files can be extracted from a jar,
 * whose folders cannot be listed.
 */
final class NativeFiles {
    private NativeFiles() {}

    /** The file names in {@code dir}'s index, or an empty list when it has none. */
    static List<String> list(Path dir) {
        Path index = dir.resolve(LlamaLibrary.INDEX_FILE);
        if (!Files.isRegularFile(index)) {
            return List.of();
        }
        try {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(index)) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                if (name.contains("/") || name.startsWith(".")) {
                    throw new IllegalStateException("bad native file name in " + index + ": " + name);
                }
                names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        }
    }

    /** The llama.cpp library among the files ({@code libllama.v0.5.0.so}, {@code libllama.cuda.v0.5.0.so}). */
    static Optional<String> llamaLibrary(List<String> files) {
        return files.stream().filter(name -> name.startsWith("libllama") && name.endsWith(".so")).findFirst();
    }
}
