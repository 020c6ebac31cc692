package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enumerates the files of an input as one split per file, with {@link InputFiles}'s rules (so the
 * job reads exactly the files the client counted).
 *
 * <p>With a settle time (watched directories), a file is handed out only once its size and
 * modification time have stayed the same for that long across listings, so a file that is still
 * being written is never read in part.
 *
 * <p>A watched file is identified by its content, not by its name: its split's path carries the
 * SHA-256 of the bytes as the URI fragment ({@code file:/in/items.jsonl#sha256=...}), which file
 * systems ignore when they open it. Flink's continuous source reads each split path once and keeps
 * the paths it has read in its checkpoints (with the fragment: {@link WatchedFileSource}), so a file
 * is read once per content, across stops and restores: a file that arrives under a name already read (a daily {@code items.jsonl} drop) is read
 * again when its content differs, and not when it is the same (touched, or copied again). A file that
 * grew after it was read is read whole again, its earlier lines included (logged as a warning): add
 * items in new files instead. The enumerator itself lives as long as the job's split enumerator and is
 * not checkpointed; after a restore it watches files anew, which delays them by one settle time at most.
 */
@Internal
public final class InputFileEnumerator implements FileEnumerator {
    private static final Logger LOG = LoggerFactory.getLogger(InputFileEnumerator.class);
    /** The fragment's key, so that a reader of a split path can tell what the fragment is. */
    public static final String CONTENT_KEY = "sha256=";

    /** A file's size and modification time, since when (nanoTime) it has looked so, and its content's hash once known. */
    private record Look(long length, long modified, long since, String content) {
        boolean same(FileStatus file) {
            return length == file.getLen() && modified == file.getModificationTime();
        }

        Look withContent(String hash) {
            return new Look(length, modified, since, hash);
        }
    }

    private final RecordFormat format;
    private final long settleNanos;
    private final boolean identifyByContent;
    private final LongSupplier clock;
    private final Map<Path, Look> looks = new HashMap<>();
    /** The content last handed out per file, to tell a new version (and an append) from the one read. */
    private final Map<Path, Look> handedOut = new HashMap<>();
    /** Files whose last hashing failed and was logged: logged once until they can be read. */
    private final Set<Path> unreadableLogged = new HashSet<>();
    private long nextId;

    /** An enumerator of a bounded input: every file is complete, and read once. */
    public InputFileEnumerator(RecordFormat format) {
        this(format, Duration.ZERO, false, System::nanoTime);
    }

    /**
     * An enumerator of a watched directory: files are read once they have settled, once per content.
     *
     * @param settle how long a watched file must stay unchanged before it is read; zero: at once
     */
    public InputFileEnumerator(RecordFormat format, Duration settle) {
        this(format, settle, true, System::nanoTime);
    }

    InputFileEnumerator(RecordFormat format, Duration settle, boolean identifyByContent, LongSupplier clock) {
        this.format = format;
        this.settleNanos = settle.toNanos();
        this.identifyByContent = identifyByContent;
        this.clock = clock;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
        List<FileSourceSplit> splits = new ArrayList<>();
        long now = clock.getAsLong();
        for (Path root : paths) {
            for (FileStatus file : InputFiles.list(root, format)) {
                Look look = settled(file, now);
                if (look != null) {
                    Path path = identifyByContent ? withContent(file.getPath(), look.content()) : file.getPath();
                    splits.add(new FileSourceSplit(String.valueOf(nextId++), path, 0, file.getLen(),
                            file.getModificationTime(), file.getLen()));
                }
            }
        }
        return splits;
    }

    /**
     * The file's look when it is complete (unchanged for the settle time; always, without one), with
     * its content hash when files are identified by content; null while it may still change.
     */
    private Look settled(FileStatus file, long now) throws IOException {
        Path path = file.getPath();
        Look look = looks.get(path);
        if (look == null || !look.same(file)) {
            look = new Look(file.getLen(), file.getModificationTime(), now, null);
            looks.put(path, look);
        }
        if (now - look.since() < settleNanos) {
            return null;
        }
        if (identifyByContent && look.content() == null) {
            try {
                look = look.withContent(contentHash(path, file.getLen()));
                noteNewVersion(path, look);
            } catch (IOException unreadable) {
                // Flink drops a whole discovery round when enumerating throws: one file that cannot be
                // read (no permission, gone since the listing) must not hold back the others. It is
                // tried again next round.
                if (unreadableLogged.add(path)) {
                    LOG.warn("{} cannot be read ({}): skipped until it can be", InputFiles.displayName(path),
                            unreadable.getMessage());
                }
                return null;
            }
            unreadableLogged.remove(path);
            looks.put(path, look);
        }
        return look;
    }

    /** Logs a file that was read before and now has other content: it is read again. */
    private void noteNewVersion(Path path, Look look) throws IOException {
        Look before = handedOut.put(path, look);
        if (before == null || before.content().equals(look.content())) {
            return;
        }
        String name = InputFiles.displayName(path);
        if (look.length() > before.length() && contentHash(path, before.length()).equals(before.content())) {
            LOG.warn("{} grew after it was read ({} bytes then, {} now): it is read again whole, its first {} bytes "
                    + "included; add items in new files instead", name, before.length(), look.length(),
                    before.length());
        } else {
            LOG.info("{} has new content ({} bytes): reading it as a new file", name, look.length());
        }
    }

    /**
     * {@code file} named by the content it has now, or as it is when it cannot be read (gone): for
     * files an earlier version of the job read without naming their content.
     */
    static Path namedByContentNow(Path file) {
        try {
            long length = file.getFileSystem().getFileStatus(file).getLen();
            return withContent(file, contentHash(file, length));
        } catch (IOException gone) {
            return file;
        }
    }

    /** The file as its split names it: its path with the content's hash as fragment. */
    static Path withContent(Path file, String content) {
        URI uri = file.toUri();
        try {
            return new Path(new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), null, CONTENT_KEY + content));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot name " + file + " with its content", e);
        }
    }

    /** SHA-256 of the first {@code length} bytes of the file, in hex. */
    private static String contentHash(Path file, long length) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        long left = length;
        try (InputStream in = file.getFileSystem().open(file)) {
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                digest.update(buffer, 0, read);
                left -= read;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
