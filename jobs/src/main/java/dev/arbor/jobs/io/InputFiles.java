package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Which files an input path stands for, in which format, and how many records they hold. Used both
 * by the job's file enumerator and by the client before submission (to fail early on a missing or
 * unreadable input, and to know the total for the progress line), so the two always agree.
 *
 * <p>Rules: a path naming a file is read whatever its name; in a directory (read recursively),
 * hidden files and directories (name starting with '.' or '_', as Flink's own filter) are skipped,
 * and only files with the format's extensions are read: {@code .jsonl .json .ndjson} for JSONL,
 * {@code .avro} for Avro.
 */
@Internal
public final class InputFiles {
    private InputFiles() {}

    /** How records and rejected records name a file: a plain path for local files, else the URI. */
    public static String displayName(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    }

    /**
     * {@link #displayName}, relative to the working directory when the file lies under it: the
     * name a person at the terminal typed, or can type.
     */
    public static String consoleName(Path path) {
        String name = displayName(path);
        String here = java.nio.file.Path.of("").toAbsolutePath() + "/";
        return name.startsWith(here) ? name.substring(here.length()) : name;
    }

    /**
     * Whether files written under {@code directory} would be read as input of {@code root}: it is the
     * root or lies under it, with no hidden name (see {@link #accepts}) on the way. An output there
     * would be read back as input by the next run (or, watched, by the same one).
     */
    public static boolean readsFrom(Path root, Path directory) {
        String input = trailingSlash(root.toUri().getPath());
        String candidate = trailingSlash(directory.toUri().getPath());
        if (!candidate.startsWith(input)) {
            return false;
        }
        for (String name : candidate.substring(input.length()).split("/")) {
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    private static String trailingSlash(String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    /** Whether a file in a directory is read as {@code format}. */
    public static boolean accepts(String name, RecordFormat format) {
        if (name.startsWith(".") || name.startsWith("_")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (format == RecordFormat.AVRO) {
            return lower.endsWith(".avro");
        }
        return lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".ndjson");
    }

    /**
     * The concrete format of {@code root}: {@code configured} unless it is AUTO; then a file by its
     * extension, a directory by the files in it (JSONL when it has none yet).
     *
     * @throws IOException when the path cannot be listed, or a directory mixes both formats
     */
    public static RecordFormat resolve(Path root, RecordFormat configured) throws IOException {
        if (configured != RecordFormat.AUTO) {
            return configured;
        }
        FileSystem fs = root.getFileSystem();
        FileStatus status = fs.getFileStatus(root);
        if (!status.isDir()) {
            return root.getName().toLowerCase(Locale.ROOT).endsWith(".avro") ? RecordFormat.AVRO : RecordFormat.JSONL;
        }
        boolean avro = !list(root, RecordFormat.AVRO).isEmpty();
        boolean jsonl = !list(root, RecordFormat.JSONL).isEmpty();
        if (avro && jsonl) {
            throw new IOException(displayName(root) + " holds both Avro and JSONL files; set input.format to read one "
                    + "kind");
        }
        return avro ? RecordFormat.AVRO : RecordFormat.JSONL;
    }

    /** The files {@code root} stands for in {@code format} (not AUTO), sorted by path. */
    public static List<FileStatus> list(Path root, RecordFormat format) throws IOException {
        FileSystem fs = root.getFileSystem();
        FileStatus status = fs.getFileStatus(root);
        List<FileStatus> files = new ArrayList<>();
        if (status.isDir()) {
            collect(fs, status, format, files);
        } else {
            files.add(status);
        }
        files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
        return files;
    }

    private static void collect(FileSystem fs, FileStatus dir, RecordFormat format, List<FileStatus> out)
            throws IOException {
        FileStatus[] children = fs.listStatus(dir.getPath());
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (child.isDir()) {
                if (!name.startsWith(".") && !name.startsWith("_")) {
                    collect(fs, child, format, out);
                }
            } else if (accepts(name, format)) {
                out.add(child);
            }
        }
    }

    /**
     * What input files hold, as the job will read them.
     *
     * @param records non-blank lines for JSONL; for Avro, records plus one per damaged stretch (the job
     *     reads each as one lost record)
     * @param damage each damaged stretch: "file: what and where"
     */
    public record Count(long records, List<String> damage) {}

    /**
     * Counts the records of {@code files} (which also proves every Avro file one of PromptRequests).
     *
     * @throws IOException naming the file that cannot be read at all
     */
    public static Count count(List<FileStatus> files, RecordFormat format) throws IOException {
        long total = 0;
        List<String> damage = new ArrayList<>();
        for (FileStatus file : files) {
            String name = displayName(file.getPath());
            try (FSDataInputStream in = file.getPath().getFileSystem().open(file.getPath())) {
                if (format == RecordFormat.AVRO) {
                    try (AvroRequestFile records = AvroRequestFile.open(in, file.getLen(), name)) {
                        for (AvroRequestFile.Item item = records.next(); item != null; item = records.next()) {
                            total++;
                            if (item instanceof AvroRequestFile.Damaged damaged) {
                                damage.add(name + ": " + damaged.describe());
                            }
                        }
                    }
                } else {
                    total += new LineSplitter(in).countRemaining();
                }
            } catch (IOException e) {
                throw e.getMessage() != null && e.getMessage().startsWith("cannot read " + name) ? e
                        : new IOException("cannot read " + name + ": " + IoProblems.describe(e), e);
            }
        }
        return new Count(total, List.copyOf(damage));
    }
}
