package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The output directory of a job and what the job writes there ({@link Entry}). {@link #prepare}
 * runs on the client before submission, so that an output that cannot be written, or that would
 * mix with an earlier run, fails fast with a message naming the path.
 *
 * <p>Invariant: Arbor never deletes a file it did not write. An earlier run's outputs are an error
 * unless the caller asks to overwrite them, and even then only files named like Arbor's (part
 * files {@code <prefix>-<id>-<n><ext>} and their in-progress versions, the summary file, the
 * job's state directory) are deleted; anything else a user put there stays.
 */
@Internal
public final class OutputLayout {
    /** One thing a job writes under the output directory. */
    public record Entry(String name, Kind kind, Pattern ownFiles) {
        /** How the entry is laid out. */
        public enum Kind {
            /** A directory of FileSink part files. */
            PARTS,
            /** One file. */
            FILE,
            /** A directory that is Arbor's alone (checkpoints, savepoints). */
            STATE
        }

        /** A directory of part files named {@code <prefix>-<id>-<n><extension>} (FileSink's names). */
        public static Entry parts(String directory, String prefix, String extension) {
            return new Entry(directory, Kind.PARTS, Pattern.compile("^\\.?" + Pattern.quote(prefix) + "-.+-\\d+"
                    + Pattern.quote(extension) + "(\\.inprogress\\..+)?$"));
        }

        public static Entry file(String name) {
            return new Entry(name, Kind.FILE, null);
        }

        public static Entry state(String directory) {
            return new Entry(directory, Kind.STATE, null);
        }

        /** Whether a file named {@code fileName} inside this (PARTS) directory was written by Arbor. */
        public boolean owns(String fileName) {
            return ownFiles != null && ownFiles.matcher(fileName).matches();
        }

        /** Whether it is a committed part file (in-progress files are hidden: a leading dot). */
        public boolean isCommittedPart(String fileName) {
            return owns(fileName) && !fileName.startsWith(".");
        }
    }

    private final Path root;
    private final List<Entry> entries;

    public OutputLayout(Path root, List<Entry> entries) {
        this.root = root;
        this.entries = List.copyOf(entries);
    }

    public Path root() {
        return root;
    }

    public Path resolve(String entry) {
        return new Path(root, entry);
    }

    /**
     * Makes the directory this job's alone for as long as the returned lock is open ({@link OutputLock}):
     * call it before {@link #prepare} or {@link #prepareToResume}, which may delete an earlier run's files.
     * A directory that is not on this machine's file system is not locked.
     *
     * @param command what the job is, for the message a second job prints ("arbor eval")
     * @throws IOException with a message for the user: another job holds it, or it cannot be created
     */
    public OutputLock lock(String command) throws IOException {
        String scheme = root.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) {
            return OutputLock.none();
        }
        java.nio.file.Path local = java.nio.file.Path.of(root.toUri().getPath());
        if (java.nio.file.Files.exists(local) && !java.nio.file.Files.isDirectory(local)) {
            throw new IOException("the output path " + InputFiles.displayName(root) + " is a file, not a directory");
        }
        try {
            java.nio.file.Files.createDirectories(local);
        } catch (IOException e) {
            throw new IOException("the output directory " + InputFiles.displayName(root) + " is not writable: "
                    + IoProblems.describe(e), e);
        }
        return OutputLock.acquire(local, command, "--output");
    }

    /** Creates these entries as (empty) directories, so every output the summary names exists. */
    public void createDirectories(List<String> directories) throws IOException {
        for (String entry : directories) {
            root.getFileSystem().mkdirs(resolve(entry));
        }
    }

    /**
     * Whether an earlier run left outputs here (files Arbor wrote; other files do not count).
     */
    public boolean hasEarlierOutputs() throws IOException {
        return !earlierOutputs().isEmpty();
    }

    /**
     * Creates the directory and proves it writable. Outputs of an earlier run are an error, unless
     * {@code overwrite}: then the files Arbor wrote are deleted, and nothing else.
     *
     * @throws IOException with a message for the user
     */
    public void prepare(boolean overwrite) throws IOException {
        String shown = InputFiles.displayName(root);
        FileSystem fs = root.getFileSystem();
        if (fs.exists(root) && !fs.getFileStatus(root).isDir()) {
            throw new IOException("the output path " + shown + " is a file, not a directory");
        }
        List<Path> earlier = earlierOutputs();
        if (!earlier.isEmpty() && !overwrite) {
            throw new IOException("the output directory " + shown + " already holds the outputs of an earlier run ("
                    + describe(earlier) + "); choose another output.path (--output), or pass --overwrite (set "
                    + "output.overwrite: true) to replace them: only files Arbor wrote are deleted");
        }
        for (Path path : earlier) {
            fs.delete(path, true);
        }
        checkWritable();
    }

    /**
     * Prepares to continue an earlier run that stopped (its outputs stay): creates the directory
     * and proves it writable.
     *
     * @throws IOException with a message for the user
     */
    public void prepareToResume() throws IOException {
        FileSystem fs = root.getFileSystem();
        if (fs.exists(root) && !fs.getFileStatus(root).isDir()) {
            throw new IOException("the output path " + InputFiles.displayName(root) + " is a file, not a directory");
        }
        checkWritable();
    }

    private void checkWritable() throws IOException {
        String shown = InputFiles.displayName(root);
        FileSystem fs = root.getFileSystem();
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
            throw new IOException("the output directory " + shown + " is not writable: " + IoProblems.describe(e), e);
        }
    }

    /** The committed part files of the entry {@code name}, sorted by path; none when it does not exist. */
    public List<Path> committedParts(String name) throws IOException {
        Entry entry = entry(name);
        List<Path> parts = new ArrayList<>();
        Path dir = resolve(name);
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            return parts;
        }
        FileStatus[] children = fs.listStatus(dir);
        for (FileStatus child : children == null ? new FileStatus[0] : children) {
            if (!child.isDir() && entry.isCommittedPart(child.getPath().getName())) {
                parts.add(child.getPath());
            }
        }
        parts.sort((a, b) -> a.toString().compareTo(b.toString()));
        return parts;
    }

    private Entry entry(String name) {
        for (Entry entry : entries) {
            if (entry.name().equals(name)) {
                return entry;
            }
        }
        throw new IllegalArgumentException("no output entry " + name);
    }

    /** The files and state directories of an earlier run: what overwrite deletes. */
    private List<Path> earlierOutputs() throws IOException {
        FileSystem fs = root.getFileSystem();
        List<Path> earlier = new ArrayList<>();
        if (!fs.exists(root) || !fs.getFileStatus(root).isDir()) {
            return earlier;
        }
        for (Entry entry : entries) {
            Path path = resolve(entry.name());
            if (!fs.exists(path)) {
                continue;
            }
            FileStatus status = fs.getFileStatus(path);
            switch (entry.kind()) {
                case FILE -> {
                    if (!status.isDir()) {
                        earlier.add(path);
                    }
                }
                case STATE -> {
                    if (status.isDir()) {
                        earlier.add(path);
                    }
                }
                case PARTS -> {
                    FileStatus[] children = status.isDir() ? fs.listStatus(path) : null;
                    for (FileStatus child : children == null ? new FileStatus[0] : children) {
                        if (!child.isDir() && entry.owns(child.getPath().getName())) {
                            earlier.add(child.getPath());
                        }
                    }
                }
                default -> throw new IllegalStateException(entry.kind().name());
            }
        }
        return earlier;
    }

    private String describe(List<Path> earlier) {
        List<String> shown = new ArrayList<>();
        // By path alone: the listing qualifies paths (file:/...) where the root may not be, and a URI
        // relativized against another scheme comes back whole.
        String base = root.toUri().getPath().endsWith("/") ? root.toUri().getPath() : root.toUri().getPath() + "/";
        for (Path path : earlier) {
            String full = path.toUri().getPath();
            String relative = full.startsWith(base) ? full.substring(base.length()) : path.getName();
            int slash = relative.indexOf('/');
            String top = slash < 0 ? relative : relative.substring(0, slash + 1);
            if (!shown.contains(top)) {
                shown.add(top);
            }
        }
        return earlier.size() + (earlier.size() == 1 ? " file" : " files") + " in " + String.join(", ", shown);
    }
}
