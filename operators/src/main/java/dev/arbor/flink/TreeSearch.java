package dev.arbor.flink;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Adds Arbor's tree search to a DataStream job: {@code TreeSearch.with(config).apply(requests)}.
 *
 * <p>Wires a {@link TreeSearchFunction} with {@link AsyncDataStream} (unordered by default,
 * ordered on request) whose capacity matches what the engine can hold, and whose timeout is a
 * little above {@link ArborOptions#TIMEOUT} so that the engine's own TIMEOUT answers first; the
 * operator's timeout answers with a TIMEOUT result too. The results can then be split into
 * completed ones and rejected ones (error set), the latter through a side output. With
 * {@link ArborOptions#ROUTING_PREFIX_TOKENS} (or {@link #routeByPrefix}) records are routed by their
 * prompt's prefix first ({@link PrefixRouting}), so that those sharing one meet in one subtask's
 * prefix cache.
 *
 * <p>One builder may be applied several times; give each application its own {@link #uid} when
 * the job must restore from savepoints across code changes.
 */
@PublicApi
public final class TreeSearch {
    /** Tag of the side output carrying results with an error. */
    public static final OutputTag<SearchResult> REJECTED =
            new OutputTag<>("arbor-rejected", new AvroTypeInfo<>(SearchResult.class));

    private final ArborConfig config;
    private boolean ordered;
    private int capacity;
    private int routingTokens;
    private String uid;

    private TreeSearch(ArborConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.ordered = config.get(ArborOptions.ORDERED);
        this.capacity = config.get(ArborOptions.CAPACITY);
        this.routingTokens = config.get(ArborOptions.ROUTING_PREFIX_TOKENS);
    }

    public static TreeSearch with(ArborConfig config) {
        return new TreeSearch(config);
    }

    /** Emit results in input order (true) or as they complete (false, the default from the config). */
    public TreeSearch ordered(boolean value) {
        this.ordered = value;
        return this;
    }

    /** Records in flight per subtask; 0 = the engine's capacity (2 x n-seq-max). */
    public TreeSearch capacity(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + value);
        }
        this.capacity = value;
        return this;
    }

    /**
     * Routes records by a hash of their prompt's first {@code tokens} tokens (or their
     * {@code prefixKey}) before the search, so that records sharing a prefix meet in one subtask and
     * its prefix cache; 0 turns routing off. Default: {@link ArborOptions#ROUTING_PREFIX_TOKENS}.
     */
    public TreeSearch routeByPrefix(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, was " + tokens);
        }
        this.routingTokens = tokens;
        return this;
    }

    /**
     * Operator uid prefix: the async operator gets {@code uid}, the splitter {@code uid + "-split"}, the
     * routing step (when routing by prefix) {@code uid + "-prefix-key"}.
     * Unset by default (Flink derives ids from the job graph, which suffices for failover).
     */
    public TreeSearch uid(String value) {
        this.uid = value;
        return this;
    }

    /** The capacity the operator will use: the one set, or the engine's. */
    public int effectiveCapacity() {
        return capacity > 0 ? capacity : config.engineCapacity();
    }

    /**
     * The async operator's timeout: {@link ArborOptions#TIMEOUT} plus a margin (10%, at least one
     * second), so that the engine's own deadline normally answers first and this is a backstop.
     */
    public Duration asyncTimeout() {
        Duration timeout = config.get(ArborOptions.TIMEOUT);
        Duration margin = timeout.dividedBy(10);
        return timeout.plus(margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin);
    }

    /** Adds the search to the job; each request yields exactly one result. */
    public Results apply(DataStream<PromptRequest> requests) {
        int inFlight = effectiveCapacity();
        Duration timeout = asyncTimeout();
        TreeSearchFunction function = new TreeSearchFunction(config, inFlight, timeout);
        DataStream<PromptRequest> input = routingTokens > 0
                ? PrefixRouting.route(requests, config, routingTokens, uid) : requests;
        SingleOutputStreamOperator<SearchResult> all = ordered
                ? AsyncDataStream.orderedWait(input, function, timeout.toMillis(), TimeUnit.MILLISECONDS, inFlight)
                : AsyncDataStream.unorderedWait(input, function, timeout.toMillis(), TimeUnit.MILLISECONDS,
                        inFlight);
        all.returns(new AvroTypeInfo<>(SearchResult.class)).name("Arbor tree search");
        if (uid != null) {
            all.uid(uid);
        }
        return new Results(all, uid == null ? null : uid + "-split");
    }

    /** Routes results with an error to {@link #REJECTED}, the others to the main output. */
    static final class SplitRejected extends ProcessFunction<SearchResult, SearchResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(SearchResult result, Context context, Collector<SearchResult> out) {
            if (result.getError() == null) {
                out.collect(result);
            } else {
                context.output(REJECTED, result);
            }
        }
    }

    /**
     * The streams of one {@link #apply}: every result, or split by whether the error is set. The
     * splitter is added to the job only when {@link #completed()} or {@link #rejected()} is used.
     */
    public static final class Results {
        private final SingleOutputStreamOperator<SearchResult> all;
        private final String splitUid;
        private SingleOutputStreamOperator<SearchResult> split;

        private Results(SingleOutputStreamOperator<SearchResult> all, String splitUid) {
            this.all = all;
            this.splitUid = splitUid;
        }

        /** Every result, one per request. */
        public DataStream<SearchResult> all() {
            return all;
        }

        /** Results without an error (a winner is set). */
        public DataStream<SearchResult> completed() {
            return split();
        }

        /** Results with an error (a side output of the splitter). */
        public DataStream<SearchResult> rejected() {
            return split().getSideOutput(REJECTED);
        }

        private SingleOutputStreamOperator<SearchResult> split() {
            if (split == null) {
                split = all.process(new SplitRejected()).returns(new AvroTypeInfo<>(SearchResult.class))
                        .name("Arbor split rejected");
                if (splitUid != null) {
                    split.uid(splitUid);
                }
            }
            return split;
        }
    }
}
