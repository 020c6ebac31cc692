package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.KafkaOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * Checks on the client, before a job is submitted, that its brokers answer and its topics exist:
 * otherwise the job would start and then fail in a loop of restarts with Kafka's own words ("Timed
 * out waiting for a node assignment"), which name neither the address nor the topic. Each problem is
 * a {@link ConfigException} (exit code 2) that names the address or topic and the key that set it.
 */
@Internal
public final class KafkaPreflight {
    private KafkaPreflight() {}

    /** @throws ConfigException when no broker of {@code settings} answers, or a topic does not exist */
    public static void check(KafkaSettings settings, Collection<String> topics) {
        try (Admin admin = Admin.create(adminConfig(settings))) {
            reach(admin, settings);
            List<String> missing = missing(admin, settings, topics);
            if (!missing.isEmpty()) {
                throw new ConfigException("Kafka " + (missing.size() == 1 ? "topic " : "topics ") + String.join(", ",
                        missing) + " not found at " + settings.bootstrap() + ": create " + (missing.size() == 1
                        ? "it" : "them") + " first (topics are not created on the fly), or set the kafka.*-topic keys");
            }
        } catch (KafkaException e) {
            throw unreachable(settings, e.getMessage());
        }
    }

    /**
     * The id of the Kafka cluster the brokers of {@code settings} belong to: a broker whose data was
     * reset or replaced has a new one.
     *
     * @throws ConfigException when no broker answers
     */
    public static String clusterId(KafkaSettings settings) {
        try (Admin admin = Admin.create(adminConfig(settings))) {
            return admin.describeCluster().clusterId().get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(settings, "no answer within " + settings.connectTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, "interrupted");
        } catch (KafkaException e) {
            throw unreachable(settings, e.getMessage());
        }
    }

    /** The settings of the client's own admin connection: the job's, with short timeouts and its own id. */
    static Properties adminConfig(KafkaSettings settings) {
        Properties properties = settings.clientConfig();
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "arbor-preflight");
        int timeout = (int) settings.connectTimeout().toMillis();
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return properties;
    }

    private static void reach(Admin admin, KafkaSettings settings) {
        try {
            admin.describeCluster().nodes().get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(settings, "no answer within " + settings.connectTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, "interrupted");
        }
    }

    private static List<String> missing(Admin admin, KafkaSettings settings, Collection<String> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(settings.connectTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            List<String> missing = new ArrayList<>();
            for (String topic : new LinkedHashSet<>(topics)) {
                if (!existing.contains(topic)) {
                    missing.add("'" + topic + "'");
                }
            }
            return missing;
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(settings, "the topics could not be listed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, "interrupted");
        }
    }

    private static ConfigException unreachable(KafkaSettings settings, String why) {
        return new ConfigException("cannot reach a Kafka broker at " + settings.bootstrap() + " ("
                + KafkaSettings.key(KafkaOptions.BOOTSTRAP) + "): " + why + "; is it running? `arbor kafka-dev` "
                + "starts one on this machine");
    }
}
