package dev.arbor.flink;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.llama.LlamaModel;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.MathUtils;

/**
 * Routing by prompt prefix, for {@link TreeSearch} with parallelism above 1: each subtask has its
 * own engine and prefix cache, so records that share a prefix should meet in one subtask.
 *
 * <p>A map step gives every record a key: its own {@code prefixKey} when set, else a hash of the
 * first N tokens of the text the engine will run ({@link RecordMapping#promptText}: chat messages
 * rendered, the configured prefix and system message included), tokenized as the engine tokenizes
 * it, with the model taken from the JVM's {@link ModelRegistry} (the same loaded model the slots
 * use); the key is written into the record's {@code prefixKey}. Flink then sends each record to the
 * subtask its key hashes to. Invariant: records with equal keys reach the same subtask; nothing else
 * about a record changes. A record that will be rejected (no prompt, both prompt and messages) gets
 * the empty key.
 */
final class PrefixRouting {
    private PrefixRouting() {}

    /** {@code requests}, keyed and partitioned by prefix; {@code uid} (nullable) prefixes the key step's uid. */
    static DataStream<PromptRequest> route(DataStream<PromptRequest> requests, ArborConfig config, int tokens,
            String uid) {
        SingleOutputStreamOperator<PromptRequest> keyed = requests.map(new AssignKey(config, tokens))
                .returns(new AvroTypeInfo<>(PromptRequest.class)).name("Arbor prefix key")
                .setParallelism(requests.getParallelism()); // chains with the step before it
        if (uid != null) {
            keyed.uid(uid + "-prefix-key");
        }
        return keyed.partitionCustom(new ByKeyHash(), new KeyOf());
    }

    /**
     * Characters tokenized per routing token: only the head of a long prompt is tokenized, generously
     * sized, since the key needs its first tokens only.
     */
    private static final int CHARS_PER_TOKEN = 16;

    /** The routing key of {@code record} ("" when it has no text to run), its prefixKey aside. */
    static String keyOf(RecordMapping mapping, LlamaModel model, PromptRequest record, int n) {
        RecordMapping.PromptText prompt;
        try {
            prompt = mapping.promptText(record);
        } catch (RecordMapping.Rejected e) {
            return "";
        }
        String text = prompt.text();
        if (text == null || text.isBlank()) {
            return "";
        }
        int limit = n * CHARS_PER_TOKEN;
        if (text.length() <= limit) {
            return keyOf(model.tokenize(text, true, prompt.markup()), n);
        }
        int cut = Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
        int[] head = model.tokenize(text.substring(0, cut), true, prompt.markup());
        // The cut may split what would be one token of the whole text: its last token does not count.
        return keyOf(head, Math.min(n, head.length - 1));
    }

    /** The key of {@code prompt}: a 64-bit FNV-1a hash of its first {@code n} tokens, in hex. */
    static String keyOf(int[] prompt, int n) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < Math.min(n, prompt.length); i++) {
            for (int shift = 0; shift < 32; shift += 8) {
                hash ^= (prompt[i] >>> shift) & 0xff;
                hash *= 0x100000001b3L;
            }
        }
        return "tokens:" + Long.toHexString(hash);
    }

    /** Fills in {@code prefixKey} where the record has none, from its prompt's first tokens. */
    static final class AssignKey extends RichMapFunction<PromptRequest, PromptRequest> {
        private static final long serialVersionUID = 1L;

        private final ArborConfig config;
        private final int tokens;
        private transient ModelRegistry.Lease lease;
        private transient RecordMapping mapping;

        AssignKey(ArborConfig config, int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
            }
            this.config = Objects.requireNonNull(config, "config");
            this.tokens = tokens;
        }

        @Override
        public void open(OpenContext openContext) {
            lease = ModelRegistry.shared().acquire(SlotRuntime.modelKey(config));
            mapping = new RecordMapping(config, lease.model());
        }

        @Override
        public PromptRequest map(PromptRequest record) {
            if (record.getPrefixKey() == null) {
                record.setPrefixKey(keyOf(mapping, lease.model(), record, tokens));
            }
            return record;
        }

        @Override
        public void close() {
            if (lease != null) {
                lease.close();
                lease = null;
            }
        }
    }

    /** A record's routing key (set by {@link AssignKey}). */
    static final class KeyOf implements KeySelector<PromptRequest, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(PromptRequest record) {
            return record.getPrefixKey() == null ? "" : record.getPrefixKey();
        }
    }

    /** The subtask of a key: its hash, mixed (String hashes of similar keys differ in few bits), modulo the subtasks. */
    static final class ByKeyHash implements Partitioner<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(String key, int partitions) {
            return Math.floorMod(MathUtils.murmurHash(key.hashCode()), partitions);
        }
    }
}
