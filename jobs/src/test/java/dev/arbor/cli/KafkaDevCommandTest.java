package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code arbor kafka-dev} as a user runs it: a broker with the topics, its address printed, stopped at the end. */
class KafkaDevCommandTest {
    @Test
    void startsABrokerWithItsTopicsPrintsTheAddressAndStopsIt() throws Exception {
        StringWriter printed = new StringWriter();
        CommandLine cli = ArborCli.commandLine();
        cli.setOut(new PrintWriter(printed, true));
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            runner[0] = Thread.currentThread();
            return cli.execute("kafka-dev", "--port", "0", "--topics", "in,out", "--partitions", "1");
        });
        String bootstrap = awaitAddress(printed, exit);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("in", "out");
        }
        assertThat(printed.toString()).contains("ConsoleProducer --bootstrap-server " + bootstrap + " --topic")
                .contains("Ctrl-C stops the broker");

        runner[0].interrupt(); // in place of Ctrl-C, which would end this JVM
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(printed.toString()).contains("stopped the broker at " + bootstrap);
        assertThat(accepts(Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1)))).isFalse();
    }

    /**
     * Issue 22, defect 7: {@code --data DIR} starts again on its own data (the topics are still
     * there), and a second kafka-dev on the same folder meanwhile is refused, naming the first.
     */
    @Test
    void aKeptDataFolderStartsAgainAndBelongsToOneBrokerAtATime(@TempDir Path data) throws Exception {
        for (int start = 1; start <= 2; start++) {
            StringWriter printed = new StringWriter();
            CommandLine cli = ArborCli.commandLine();
            cli.setOut(new PrintWriter(printed, true));
            Thread[] runner = new Thread[1];
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                runner[0] = Thread.currentThread();
                return cli.execute("kafka-dev", "--port", "0", "--data", data.toString(), "--topics",
                        "kept", "--partitions", "1");
            });
            String bootstrap = awaitAddress(printed, exit);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("start " + start).contains("kept");
            }
            if (start == 1) {
                StringWriter errors = new StringWriter();
                CommandLine second = ArborCli.commandLine();
                second.setErr(new PrintWriter(errors, true));
                assertThat(second.execute("kafka-dev", "--port", "0", "--data", data.toString()))
                        .isEqualTo(ExitCode.BAD_USAGE.code());
                assertThat(errors.toString()).contains("is in use by another Arbor job: arbor kafka-dev")
                        .contains("(--data)");
            }
            runner[0].interrupt();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(printed.toString()).isZero();
        }
    }

    @Test
    void aPortInUseIsBadUsageThatNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            StringWriter errors = new StringWriter();
            CommandLine cli = ArborCli.commandLine();
            cli.setErr(new PrintWriter(errors, true));
            assertThat(cli.execute("kafka-dev", "--port", Integer.toString(taken.getLocalPort())))
                    .isEqualTo(ExitCode.BAD_USAGE.code());
            assertThat(errors.toString()).contains("port " + taken.getLocalPort()).contains("--port");
        }
    }

    private static String awaitAddress(StringWriter printed, CompletableFuture<Integer> exit) throws Exception {
        Pattern address = Pattern.compile("\\(KRaft, one node\\) at (127\\.0\\.0\\.1:[0-9]+)");
        for (int i = 0; i < 600; i++) {
            Matcher matcher = address.matcher(printed.toString());
            if (matcher.find() && printed.toString().contains("Ctrl-C stops")) {
                return matcher.group(1);
            }
            if (exit.isDone()) {
                throw new AssertionError("kafka-dev ended with " + exit.get() + ":\n" + printed);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("kafka-dev printed no address:\n" + printed);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
