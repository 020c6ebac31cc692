package dev.arbor.jobs.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code server.properties} of a one-node Apache Kafka in KRaft mode: one process is both the
 * broker and the (only) controller, listening on loopback only. Everything a cluster replicates is
 * kept once (replication factor 1, minimum in-sync replicas 1, internal topics of one partition),
 * because a single node could never satisfy Kafka's defaults of 3, and the small settings below
 * make it start and answer in seconds on a small machine.
 *
 * <p>Invariant: the rendered text names exactly the two ports given and the log directory given.
 */
final class BrokerProperties {
    private BrokerProperties() {}

    /** The configuration of a single node listening on {@code port} (clients) and {@code controllerPort}. */
    static Map<String, String> singleNode(int port, int controllerPort, Path logDir) {
        Map<String, String> config = new TreeMap<>();
        String host = LocalKafkaBroker.HOST;
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir.toAbsolutePath().toString());
        oneCopyOfEverything(config);
        quickAndSmall(config);
        // Topics are created on purpose (tests, kafka-dev), so that a misspelt topic is an error, not a new topic.
        config.put("auto.create.topics.enable", "false");
        return config;
    }

    /** One node holds one replica: every replication factor and minimum ISR is 1. */
    private static void oneCopyOfEverything(Map<String, String> config) {
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
    }

    /**
     * Start-up and first-use costs: internal topics of one partition (each partition of the offsets
     * and transaction logs is a log to create and load), small segments, few threads, no delay before
     * a consumer group's first rebalance, and frequent broker heartbeats (the broker is fenced, so
     * cannot serve, until the controller has seen one).
     */
    private static void quickAndSmall(Map<String, String> config) {
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("broker.heartbeat.interval.ms", "200");
        config.put("log.segment.bytes", Integer.toString(1 << 20));
        config.put("offsets.topic.segment.bytes", Integer.toString(1 << 20));
        config.put("transaction.state.log.segment.bytes", Integer.toString(1 << 20));
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 << 20));
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");
    }

    /** The configuration as a properties file's text (keys sorted, one per line). */
    static String render(Map<String, String> config) {
        StringBuilder text = new StringBuilder("# written by Arbor's LocalKafkaBroker\n");
        config.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        return text.toString();
    }

    /** Backslashes are escapes in a properties file (a Windows path would lose them). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
