package dev.arbor.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which restore point a restart resumes from, and what is cleaned up then. */
class EvalStateTest {
    @TempDir
    Path dir;

    private Path point(String relative, long modifiedMillis, boolean complete) throws Exception {
        Path point = Files.createDirectories(dir.resolve(EvalState.DIRECTORY).resolve(relative));
        if (complete) {
            Path metadata = Files.writeString(point.resolve("_metadata"), "x");
            Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
        }
        return point;
    }

    @Test
    void resumesFromTheNewestCompletePointAndDropsTheOthers() throws Exception {
        EvalState state = new EvalState(new org.apache.flink.core.fs.Path(dir.toUri()));
        assertThat(state.latestRestorePoint()).isEmpty();
        point("savepoints/savepoint-old", 1_000, true);
        Path retained = point("checkpoints/job-b/chk-7", 3_000, true);
        point("checkpoints/job-b/shared", 0, false);
        point("checkpoints/job-c/chk-9", 9_000, false); // a crash while it was written: no _metadata
        point("savepoints/savepoint-newer", 2_000, true);

        Optional<org.apache.flink.core.fs.Path> latest = state.latestRestorePoint();
        assertThat(latest).isPresent();
        assertThat(Path.of(latest.get().toUri())).isEqualTo(retained);

        state.keepOnly(latest.get());
        assertThat(retained.resolve("_metadata")).exists();
        assertThat(dir.resolve(EvalState.DIRECTORY).resolve("checkpoints/job-b/shared")).exists();
        assertThat(dir.resolve(EvalState.DIRECTORY).resolve("checkpoints/job-c")).doesNotExist();
        assertThat(dir.resolve(EvalState.DIRECTORY).resolve("savepoints")).isEmptyDirectory();
        assertThat(state.flinkOptions(latest).toMap()).containsEntry("execution.state-recovery.path",
                latest.get().toUri().toString()).containsEntry(
                "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    }
}
