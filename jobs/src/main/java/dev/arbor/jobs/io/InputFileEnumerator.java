package dev.arbor.jobs.io;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enumerates the files of an input as one split per file, with {@link InputFiles}'s rules (so the
 * job reads exactly the files the client counted). In a continuously monitored source Flink calls
 * this at every interval and drops the paths it has already read.
 *
 * <p>With a settle time (watched directories), a file is handed out only once its size and
 * modification time have stayed the same for that long across listings, so a file that is still
 * being written is never read in part. A file that changes after it was handed out cannot be read
 * again (Flink reads a path once): that is logged as a warning naming the file. The enumerator
 * lives as long as the job's split enumerator and is not checkpointed; after a restore it watches
 * files anew, which delays them by one settle time at most.
 */
public final class InputFileEnumerator implements FileEnumerator {
    private static final Logger LOG = LoggerFactory.getLogger(InputFileEnumerator.class);

    /** A file's size and modification time, and since when (nanoTime) it has looked so. */
    private record Look(long length, long modified, long since) {
        boolean same(FileStatus file) {
            return length == file.getLen() && modified == file.getModificationTime();
        }
    }

    private final RecordFormat format;
    private final long settleNanos;
    private final LongSupplier clock;
    private final Map<Path, Look> watched = new HashMap<>();
    private final Map<Path, Look> handedOut = new HashMap<>();
    private long nextId;

    /** An enumerator of a bounded input: every file is complete. */
    public InputFileEnumerator(RecordFormat format) {
        this(format, Duration.ZERO, System::nanoTime);
    }

    /** @param settle how long a watched file must stay unchanged before it is read; zero: at once */
    public InputFileEnumerator(RecordFormat format, Duration settle) {
        this(format, settle, System::nanoTime);
    }

    InputFileEnumerator(RecordFormat format, Duration settle, LongSupplier clock) {
        this.format = format;
        this.settleNanos = settle.toNanos();
        this.clock = clock;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
        List<FileSourceSplit> splits = new ArrayList<>();
        long now = clock.getAsLong();
        for (Path root : paths) {
            for (FileStatus file : InputFiles.list(root, format)) {
                if (settled(file, now)) {
                    splits.add(new FileSourceSplit(String.valueOf(nextId++), file.getPath(), 0, file.getLen(),
                            file.getModificationTime(), file.getLen()));
                }
            }
        }
        return splits;
    }

    /** Whether {@code file} is complete: unchanged for the settle time (always, without one). */
    private boolean settled(FileStatus file, long now) {
        Path path = file.getPath();
        Look out = handedOut.get(path);
        if (out != null) {
            if (!out.same(file)) {
                LOG.warn("{} changed after it was read ({} bytes then, {} now): what was added is not read; write "
                        + "files elsewhere and move them into the watched directory", InputFiles.displayName(path),
                        out.length(), file.getLen());
                handedOut.put(path, new Look(file.getLen(), file.getModificationTime(), now));
            }
            return true; // Flink drops paths it has read: handing it out again changes nothing
        }
        Look look = watched.get(path);
        if (look == null || !look.same(file)) {
            look = new Look(file.getLen(), file.getModificationTime(), now);
        }
        if (now - look.since() >= settleNanos) {
            watched.remove(path);
            handedOut.put(path, look);
            return true;
        }
        watched.put(path, look);
        return false;
    }
}
