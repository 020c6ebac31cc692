package dev.arbor.jobs.eval;

import dev.arbor.jobs.io.OutputLayout;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.core.fs.Path;

/** Counts the lines of an output entry's committed JSONL part files (what a stop or restart reports). */
final class JsonLineCount {
    private JsonLineCount() {}

    static long of(OutputLayout output, String entry) throws IOException {
        long lines = 0;
        for (Path file : output.committedParts(entry)) {
            try (InputStream in = file.getFileSystem().open(file)) {
                lines += new dev.arbor.jobs.io.LineSplitter(in).countRemaining();
            }
        }
        return lines;
    }
}
