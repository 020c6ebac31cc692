package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from the client, whether the Kafka brokers of a running job answer, so that an outage is
 * told once, in words, instead of as Kafka's client warnings several times a second: one line when
 * the brokers stop answering (naming the address, and what happens next), one when they answer
 * again. Whoever runs the job asks {@link #isDown()} (Ctrl-C then cancels instead of waiting for a
 * savepoint that cannot be taken) and {@link #gaveUp()} (the outage outlasted {@code
 * kafka.outage-timeout}: the job is to stop).
 *
 * <p>Invariants: at most one line per change of state; the watch never fails the job itself; it
 * stops with {@link #close()}. Thread-safe.
 */
@Internal
public final class KafkaWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaWatch.class);

    private final KafkaSettings settings;
    private final PrintStream out;
    private final Duration every;
    private final Thread thread;
    private volatile boolean closed;
    /** nanoTime since when the brokers do not answer; 0 while they do. */
    private volatile long downSince;

    private KafkaWatch(KafkaSettings settings, PrintStream out, Duration every) {
        this.settings = settings;
        this.out = out;
        this.every = every;
        this.thread = new Thread(this::watch, "arbor-kafka-watch");
        thread.setDaemon(true);
    }

    /** Starts watching the brokers of {@code settings} every {@code every}, telling changes on {@code out}. */
    public static KafkaWatch start(KafkaSettings settings, PrintStream out, Duration every) {
        KafkaWatch watch = new KafkaWatch(settings, out, every);
        watch.thread.start();
        return watch;
    }

    /** Whether the brokers did not answer at the last look. */
    public boolean isDown() {
        return downSince != 0;
    }

    /**
     * What to tell the user once the brokers have not answered for longer than {@code
     * kafka.outage-timeout}, or null while they answer or may still come back.
     */
    public String gaveUp() {
        long since = downSince;
        if (since == 0 || System.nanoTime() - since < settings.outageTimeout().toNanos()) {
            return null;
        }
        return "the Kafka broker at " + settings.bootstrap() + " has not answered for " + seconds(since) + " s (more "
                + "than kafka.outage-timeout, " + settings.outageTimeout().toSeconds() + " s), so the job stopped";
    }

    /** How long the brokers have not answered, for messages ("for 42 s"); empty while they answer. */
    public String outage() {
        long since = downSince;
        return since == 0 ? "" : "for " + seconds(since) + " s";
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    private void watch() {
        Properties properties = KafkaPreflight.adminConfig(settings);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "arbor-watch");
        long timeout = Math.min(settings.connectTimeout().toMillis(), Math.max(1000, every.toMillis()));
        try (Admin admin = Admin.create(properties)) {
            while (!closed) {
                boolean answers = answers(admin, timeout);
                if (!answers && downSince == 0) {
                    downSince = System.nanoTime();
                    out.println();
                    out.println("arbor: the Kafka broker at " + settings.bootstrap() + " does not answer; Arbor keeps "
                            + "trying for up to " + settings.outageTimeout().toSeconds() + " s (kafka.outage-timeout), "
                            + "then stops the job (exit code 2); scores committed so far are kept, and Ctrl-C stops "
                            + "now, resumable");
                } else if (answers && downSince != 0) {
                    out.println();
                    out.println("arbor: the Kafka broker at " + settings.bootstrap() + " answers again (after "
                            + seconds(downSince) + " s); the job goes on");
                    downSince = 0;
                }
                sleep(every.toMillis());
            }
        } catch (RuntimeException e) {
            LOG.warn("Stopped watching the Kafka broker at {}: {}", settings.bootstrap(), e.toString());
        }
    }

    private static boolean answers(Admin admin, long timeoutMillis) {
        try {
            admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // closing: no state change to tell
        } catch (Exception e) {
            return false;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
