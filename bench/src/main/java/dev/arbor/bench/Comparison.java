package dev.arbor.bench;

import java.util.List;

/**
 * One side-by-side figure: a candidate benchmark method against a baseline method of the same
 * class, measured in the same run, reported as the ratio baseline time / candidate time.
 *
 * @param title what is compared, as printed
 * @param benchmarkClass simple name of the JMH class
 * @param candidate the method that should be faster
 * @param baseline the method it is compared with
 * @param target the ratio an issue asks for (0 when none): at least this, or at most this for a
 *     slowdown (a negative target: the ratio must stay at or under its absolute value)
 * @param counters secondary results (JMH aux counters) to print beside the times
 * @param workPerOp units of work one operation does (e.g. generated tokens), 0 when not a throughput
 * @param workUnit the name of that unit, printed as a rate
 */
record Comparison(String title, String benchmarkClass, String candidate, String baseline, double target,
        List<String> counters, double workPerOp, String workUnit) {
    /** Counters of milliseconds outside and inside llama_decode: printed with the share outside. */
    static final String OUTSIDE_DECODE = "outsideDecodeMs";
    static final String INSIDE_DECODE = "insideDecodeMs";

    Comparison(String title, String benchmarkClass, String candidate, String baseline, double target,
            List<String> counters) {
        this(title, benchmarkClass, candidate, baseline, target, counters, 0, "");
    }

    /** Every comparison {@code arbor bench} knows, in the order they are printed. */
    static List<Comparison> all() {
        return List.of(
                new Comparison("decode step: one batch of N sequences vs N single-sequence decodes",
                        "DecodeBatchBenchmark", "batched", "oneByOne", 2.2,
                        List.of("outsideDecodePercent")),
                new Comparison("branch step: one BranchStore.commit of N branches vs N Branch.commit calls",
                        "BranchCommitBenchmark", "batched", "oneByOne", 2.0, List.of()),
                new Comparison("beam search width 4, 128-token prompt, 64 new tokens: Arbor vs no sharing",
                        "BeamSearchBenchmark", "arbor", "noSharing", 3.0, List.of()),
                new Comparison("decode step, 8 sequences, 2 threads: beside one busy process vs alone "
                        + "(ratio = slowdown on a shared machine)", "ContentionBenchmark", "alone",
                        "besideBusyProcess", -2.2, List.of()),
                new Comparison("beam search width 4, 64 tokens: unconstrained vs JSON-schema constrained with its "
                        + "closing budget (ratio = constrained time / unconstrained time; the grammar's and the "
                        + "budget's cost)", "ConstrainedBeamSearchBenchmark",
                        "free", "constrained", -1.5, List.of()),
                new Comparison("the same, with vs without the closing budget's bookkeeping (ratio = with / without; "
                        + "the budget's own cost)", "ConstrainedBeamSearchBenchmark", "constrainedWithoutBudget",
                        "constrained", 0, List.of()),
                new Comparison("search of 64 new tokens: best-of-8 vs beam search width 4 (ratio informative; "
                        + "the counter is the share of each search outside llama_decode, issue 21: <= 5% at 152k "
                        + "tokens, 512 x 8 body)", "SearchStepBenchmark", "bestOfN", "beam", 0,
                        List.of(OUTSIDE_DECODE, INSIDE_DECODE)),
                new Comparison("beam search width 4, 64 tokens: unconstrained vs JSON-schema constrained, the schema "
                        + "seen before (ratio = the grammar's cost)", "SearchStepBenchmark", "beam", "jsonBeam", -1.5,
                        List.of(OUTSIDE_DECODE, INSIDE_DECODE)),
                new Comparison("beam search width 4, 64 tokens: unconstrained vs JSON-schema constrained, a grammar "
                        + "text never seen before (ratio = the grammar's cost when every state's mask is new)",
                        "SearchStepBenchmark", "beam", "jsonBeamCold", -1.5, List.of(OUTSIDE_DECODE, INSIDE_DECODE)),
                new Comparison("one logits row: log-softmax normalizer, native summary vs scalar Java",
                        "RowWorkBenchmark", "nativeSummary", "javaLogSumExp", 0, List.of()),
                new Comparison("one logits row: 8 best tokens, native block-skipping pass vs Java insertion scan",
                        "RowWorkBenchmark", "nativeTopTokens", "javaTopTokens", 0, List.of()),
                new Comparison("one logits row: a draw with top-k 0, top-p 0.95, min-p 0.05 vs the old path's sort "
                        + "of the whole row alone", "RowWorkBenchmark", "samplerTopKZero", "sortWholeRow", 0, List.of()),
                new Comparison("one logits row inside a JSON string: the state's shared mask (+ the masked row's "
                        + "summary) vs llama.cpp's grammar sampler over the whole vocabulary", "RowWorkBenchmark",
                        "sharedMask", "llamaCppMask", 0, List.of()),
                new Comparison("decode step of N sequences over H cells each in one KV buffer: flash attention "
                        + "on vs off (ratio > 1: on is faster)", "FlashAttentionBenchmark", "flashOn", "flashOff", 0,
                        List.of()),
                new Comparison("16 best-of-4 requests: all at once through one engine vs one at a time",
                        "ConcurrentRequestsBenchmark", "together", "oneAtATime", 2.0, List.of(),
                        ConcurrentRequestsBenchmark.TOKENS_PER_OP, "generated tokens"),
                new Comparison("256 best-of-4 requests sharing a 512-token prefix (16-token suffixes, 16 new tokens): "
                        + "prefix cache on vs off", "PrefixCacheBenchmark", "sharedCached", "sharedUncached", 3.0,
                        List.of("checkpointPeakMiB"), PrefixCacheBenchmark.TOKENS_PER_OP, "generated tokens"),
                new Comparison("256 best-of-4 requests sharing no prefix (128-token prompts, 16 new tokens): prefix "
                        + "cache on vs off (ratio = the cache's cost; target 0.97)", "PrefixCacheBenchmark",
                        "distinctCached", "distinctUncached", 0.97, List.of(), PrefixCacheBenchmark.TOKENS_PER_OP,
                        "generated tokens"),
                new Comparison("a checkpoint at 512 tokens (recurrent state / window cells): restoring it vs prefilling "
                        + "the 512 tokens again", "CheckpointBenchmark", "restore", "redecode", 0, List.of()),
                new Comparison("the same: taking the checkpoint vs prefilling the 512 tokens again (ratio = how many "
                        + "checkpoints one re-decode buys)", "CheckpointBenchmark", "take", "redecode", 0,
                        List.of("checkpointMiB")),
                new Comparison("step_beam 4 beams x 4 expansions, 8 steps of 64 tokens, PRM scorer: Arbor (one request, "
                        + "the tree in the KV cache) vs every step a new request re-sending the whole text (prefix "
                        + "cache off)", "StepBeamBenchmark", "arbor", "resending", 5.0, List.of()),
                new Comparison("step_beam as above: Arbor vs re-sending with the prefix cache on",
                        "StepBeamBenchmark", "arbor", "resendingCached", 2.0, List.of()),
                new Comparison("step_beam as above: scored by the policy's own logprob vs by the PRM (ratio = the "
                        + "search's time with the PRM / without; the PRM's cost per step is the difference / 8)",
                        "StepBeamBenchmark", "arborWithoutPrm", "arbor", 0, List.of()),
                new Comparison("64 beam-search requests: a Flink job (parallelism 1) vs the engine alone "
                        + "(ratio = engine time / Flink time, i.e. Flink's throughput relative to the engine's)",
                        "FlinkOverheadBenchmark", "flinkJob", "engineAlone", 0.9, List.of()),
                new Comparison("eval of " + KafkaThroughputBenchmark.ITEMS + " items until every score is committed: "
                        + "Kafka topic to topics vs files to files (ratio = files time / Kafka time, i.e. Kafka's "
                        + "items per second relative to files)", "KafkaThroughputBenchmark", "kafka", "files", 0.9,
                        List.of()));
    }
}
