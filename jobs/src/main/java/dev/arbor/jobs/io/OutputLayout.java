package dev.arbor.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The output directory of a job and the entries it writes there (sub-directories and files, by
 * name). {@link #prepare} runs on the client before submission, so that an output that cannot be
 * written, or that would mix with an earlier run, fails fast with a message naming the path.
 */
public final class OutputLayout {
    private final Path root;
    private final List<String> entries;

    /** @param entries the names the job writes under {@code root} */
    public OutputLayout(Path root, List<String> entries) {
        this.root = root;
        this.entries = List.copyOf(entries);
    }

    public Path root() {
        return root;
    }

    public Path resolve(String entry) {
        return new Path(root, entry);
    }

    /** Creates these entries as (empty) directories, so every output the summary names exists. */
    public void createDirectories(List<String> directories) throws IOException {
        for (String entry : directories) {
            root.getFileSystem().mkdirs(resolve(entry));
        }
    }

    /**
     * Creates the directory and proves it writable; entries of an earlier run are deleted when
     * {@code overwrite}, and are an error otherwise.
     *
     * @throws IOException with a message for the user
     */
    public void prepare(boolean overwrite) throws IOException {
        String shown = InputFiles.displayName(root);
        FileSystem fs = root.getFileSystem();
        if (fs.exists(root) && !fs.getFileStatus(root).isDir()) {
            throw new IOException("the output path " + shown + " is a file, not a directory");
        }
        List<String> earlier = new ArrayList<>();
        for (String entry : entries) {
            Path path = resolve(entry);
            if (fs.exists(path) && !isEmptyDir(fs, path)) {
                earlier.add(entry);
            }
        }
        if (!earlier.isEmpty() && !overwrite) {
            throw new IOException("the output directory " + shown + " already holds the outputs of an earlier run "
                    + earlier + "; choose another output.path (--output) or set output.overwrite: true (--overwrite)");
        }
        for (String entry : earlier) {
            fs.delete(resolve(entry), true);
        }
        try {
            if (!fs.mkdirs(root)) {
                throw new IOException("mkdirs returned false");
            }
            Path probe = new Path(root, ".arbor-write-probe");
            try (OutputStream out = fs.create(probe, FileSystem.WriteMode.OVERWRITE)) {
                out.write('\n');
            }
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IOException("the output directory " + shown + " is not writable: " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyDir(FileSystem fs, Path path) throws IOException {
        FileStatus status = fs.getFileStatus(path);
        if (!status.isDir()) {
            return false;
        }
        FileStatus[] children = fs.listStatus(path);
        return children == null || children.length == 0;
    }
}
