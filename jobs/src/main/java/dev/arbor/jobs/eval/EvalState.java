package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Where the evaluation job keeps what it needs to resume: the hidden directory {@value #DIRECTORY}
 * of its output, holding Flink's retained checkpoints ({@code checkpoints/}) and the savepoint a
 * stop takes ({@code savepoints/}). A restart resumes from the newest complete one (it has a
 * {@code _metadata} file, written last), so that every item is scored exactly once across stops,
 * crashes and restarts: the source's state says which files and lines were read, the search's
 * which items were in flight, the sinks' which output files to commit.
 *
 * <p>With Kafka, the state also names the Kafka cluster it was made against ({@link
 * #rememberKafkaCluster}): the state's pending transactions and offsets exist on that cluster only,
 * so a resume against another one (a broker reset or replaced) is refused up front, in words.
 *
 * <p>Invariant: after {@link #keepOnly}, only the restore point a run resumes from is left of the
 * earlier ones; the run then adds its own.
 */
@Internal
public final class EvalState {
    /** The state directory's name under the output directory (hidden: never read as output). */
    public static final String DIRECTORY = ".arbor-state";
    private static final String METADATA = "_metadata";
    private static final String KAFKA_CLUSTER = "kafka-cluster-id";

    private final Path root;

    /** @throws IOException when the output's file system is not available */
    public EvalState(Path outputRoot) throws IOException {
        // Flink's checkpoint storage wants a URI with a scheme (file:/..., hdfs://...).
        Path qualified = outputRoot.makeQualified(outputRoot.getFileSystem());
        this.root = new Path(qualified, DIRECTORY);
    }

    public Path root() {
        return root;
    }

    public Path checkpoints() {
        return new Path(root, "checkpoints");
    }

    public Path savepoints() {
        return new Path(root, "savepoints");
    }

    /** The id of the Kafka cluster the state was made against, when a Kafka run left it. */
    public Optional<String> kafkaCluster() throws IOException {
        Path file = new Path(root, KAFKA_CLUSTER);
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (java.io.InputStream in = fs.open(file)) {
            return Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /** Notes that this run's state is made against the Kafka cluster {@code id}. */
    public void rememberKafkaCluster(String id) throws IOException {
        FileSystem fs = root.getFileSystem();
        fs.mkdirs(root);
        try (java.io.OutputStream out = fs.create(new Path(root, KAFKA_CLUSTER), FileSystem.WriteMode.OVERWRITE)) {
            out.write((id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The newest complete savepoint or retained checkpoint, if any. */
    public Optional<Path> latestRestorePoint() throws IOException {
        return restorePoints().stream().max(Comparator.comparingLong(RestorePoint::modified)
                .thenComparing(point -> point.path().toString())).map(RestorePoint::path);
    }

    /**
     * Deletes every restore point but {@code keep}, and the checkpoint directories of earlier runs
     * that do not hold it: they are superseded.
     */
    public void keepOnly(Path keep) throws IOException {
        FileSystem fs = root.getFileSystem();
        for (FileStatus savepoint : children(fs, savepoints())) {
            if (!savepoint.getPath().equals(keep)) {
                fs.delete(savepoint.getPath(), true);
            }
        }
        for (FileStatus job : children(fs, checkpoints())) {
            if (!keep.toString().startsWith(job.getPath().toString() + "/")) {
                fs.delete(job.getPath(), true);
            }
        }
    }

    /**
     * The Flink options of a run: checkpoints retained (a crash leaves one to resume from) in
     * {@link #checkpoints()}, savepoints in {@link #savepoints()}, and the restore point to resume
     * from, if any.
     */
    public Configuration flinkOptions(Optional<Path> resumeFrom) {
        Configuration options = new Configuration();
        options.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints().toUri().toString());
        options.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints().toUri().toString());
        options.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        resumeFrom.ifPresent(point -> options.set(StateRecoveryOptions.SAVEPOINT_PATH, point.toUri().toString()));
        return options;
    }

    private record RestorePoint(Path path, long modified) {}

    /** savepoints/<name>/_metadata and checkpoints/<job id>/chk-<n>/_metadata. */
    private List<RestorePoint> restorePoints() throws IOException {
        List<RestorePoint> points = new ArrayList<>();
        FileSystem fs = root.getFileSystem();
        for (FileStatus savepoint : children(fs, savepoints())) {
            add(fs, savepoint, points);
        }
        for (FileStatus job : children(fs, checkpoints())) {
            for (FileStatus checkpoint : children(fs, job.getPath())) {
                if (checkpoint.getPath().getName().startsWith("chk-")) {
                    add(fs, checkpoint, points);
                }
            }
        }
        return points;
    }

    private static void add(FileSystem fs, FileStatus dir, List<RestorePoint> points) throws IOException {
        Path metadata = new Path(dir.getPath(), METADATA);
        if (dir.isDir() && fs.exists(metadata)) {
            points.add(new RestorePoint(dir.getPath(), fs.getFileStatus(metadata).getModificationTime()));
        }
    }

    private static FileStatus[] children(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return new FileStatus[0];
        }
        FileStatus[] children = fs.listStatus(dir);
        return children == null ? new FileStatus[0] : children;
    }
}
