package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.config.JobOptions;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job runs, decided once: on the cluster named by {@link JobOptions#CLUSTER} (shipping the
 * job jar), else in the environment Flink provides (the cluster of {@code flink run}, a test's
 * MiniCluster), else on an in-process MiniCluster. The job itself is built the same way in every
 * case.
 */
@Internal
public final class Environments {
    /** The shaded job jar's file name, next to the CLI's jar. */
    public static final String JOB_JAR = "arbor-jobs-flink.jar";

    private Environments() {}

    /**
     * An environment configured from {@code config}: Flink's own keys (the {@code flink:} section),
     * parallelism, checkpointing and the restart strategy.
     */
    public static StreamExecutionEnvironment create(Configuration config) {
        Configuration flink = flinkConfiguration(config);
        StreamExecutionEnvironment env;
        String cluster = config.get(JobOptions.CLUSTER);
        if (cluster != null) {
            int colon = cluster.lastIndexOf(':');
            env = StreamExecutionEnvironment.createRemoteEnvironment(cluster.substring(0, colon),
                    Integer.parseInt(cluster.substring(colon + 1)), flink, jobJar(config).toString());
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            if (isLocal(env)) {
                env = StreamExecutionEnvironment.createLocalEnvironment(miniCluster(flink, config));
            } // else flink run gave a context environment: the cluster's own settings stand
        }
        Duration interval = config.get(JobOptions.CHECKPOINT_INTERVAL);
        if (!interval.isZero()) {
            env.enableCheckpointing(interval.toMillis());
        }
        return env;
    }

    /**
     * The configuration of the MiniCluster this JVM starts: the job's, plus what only such a
     * cluster needs. (Under flink run these would reach the client: a REST port of our own would
     * send the submission nowhere.)
     */
    private static Configuration miniCluster(Configuration flink, Configuration config) {
        Configuration local = new Configuration(flink);
        LiveTokens.addTo(local);
        if (!local.contains(RestOptions.PORT)) {
            // A known port for the in-process MiniCluster's REST API: PromptEnd asks it for checkpoints.
            local.set(RestOptions.PORT, freePort());
        }
        if (!local.contains(TaskManagerOptions.NUM_TASK_SLOTS)) {
            // Stated, not derived by Flink, because each slot's default decode threads are cores / slots.
            local.set(TaskManagerOptions.NUM_TASK_SLOTS, config.get(JobOptions.PARALLELISM));
        }
        return local;
    }

    /**
     * The REST API of the cluster that runs this environment's jobs: {@code job.cluster}'s, or the
     * in-process MiniCluster's; empty when Flink provided the environment (e.g. under flink run).
     */
    public static Optional<PromptEnd.Endpoint> restEndpoint(StreamExecutionEnvironment env, Configuration config) {
        String cluster = config.get(JobOptions.CLUSTER);
        if (cluster != null) {
            int colon = cluster.lastIndexOf(':');
            return Optional.of(new PromptEnd.Endpoint(cluster.substring(0, colon),
                    Integer.parseInt(cluster.substring(colon + 1))));
        }
        if (isLocal(env)) {
            return env.getConfiguration().getOptional(RestOptions.PORT)
                    .map(port -> new PromptEnd.Endpoint("localhost", port));
        }
        return Optional.empty();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            return 0; // any port: the job then ends at its next periodic checkpoint
        }
    }

    /** Whether jobs of this environment run inside this JVM (the progress line then says so). */
    public static boolean isLocal(StreamExecutionEnvironment env) {
        return env instanceof LocalStreamEnvironment;
    }

    private static Configuration flinkConfiguration(Configuration config) {
        Configuration flink = new Configuration();
        for (Map.Entry<String, String> entry : config.toMap().entrySet()) {
            if (!ConfigLoader.isArborKey(entry.getKey())) {
                flink.setString(entry.getKey(), entry.getValue()); // the flink: section, passed through
            }
        }
        if (!flink.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            flink.set(CoreOptions.DEFAULT_PARALLELISM, config.get(JobOptions.PARALLELISM));
        }
        if (!flink.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            // Flink's default with checkpoints is to retry forever: a job that always fails would never end.
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                    config.get(JobOptions.RESTART_ATTEMPTS));
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        }
        if (!flink.contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)) {
            // Accumulators reach the client with TaskManager heartbeats: on the in-process MiniCluster,
            // beat often enough for a live progress line (a cluster keeps its own setting).
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofMillis(500));
        }
        return flink;
    }

    /** The job jar for a remote cluster: {@link JobOptions#JAR}, else the one built next to this code. */
    static Path jobJar(Configuration config) {
        String configured = config.get(JobOptions.JAR);
        Path jar;
        if (configured != null) {
            jar = Path.of(configured);
        } else {
            jar = besideCode().resolve(JOB_JAR);
        }
        if (!Files.isRegularFile(jar)) {
            throw new ConfigException("the job jar " + jar + " does not exist: build it with `mvn -pl jobs -am "
                    + "package -DskipTests`, or set job.jar");
        }
        return jar;
    }

    /** The directory of the jar (or class directory's parent) this class was loaded from. */
    private static Path besideCode() {
        try {
            File location = new File(Environments.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toPath().toAbsolutePath().getParent();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
