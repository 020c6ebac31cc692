package dev.arbor.search;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import java.time.Duration;
import java.util.List;

/**
 * One prompt to search: what to expand, how, and how much.
 *
 * <p>Built with {@link #builder(String)}. Values are not checked here: the engine checks them and
 * answers a bad request with an error result ({@link ErrorCode}), so that bad input never
 * throws on the path of a stream.
 *
 * @param id caller's id, echoed in the result; also part of every sampling seed
 * @param promptText the prompt as text (tokenized with BOS), or null when {@code promptTokens} is given
 * @param promptTokens the prompt as tokens, or null when {@code promptText} is given
 * @param strategy beam search or best-of-n
 * @param width beams (beam search) or samples (best-of-n)
 * @param maxNewTokens most tokens generated per completion
 * @param stop strings that end a completion; they are matched on the decoded text, across token
 *     boundaries, and cut from the output
 * @param stopAtEndOfGeneration end a completion at an end-of-generation token
 * @param sampler sampling for best-of-n (beam search ranks by raw log probabilities); its seed is
 *     replaced by per-sample seeds derived from (id, {@code seed}, sample index)
 * @param seed the request's seed
 * @param lengthPenalty beam search: a hypothesis scores {@code sumLogprob / n^lengthPenalty}
 * @param scorer best-of-n: ranks the samples (mean logprob by default)
 * @param returnCandidates also return every kept completion, ranked, losers included
 * @param timeout how long the request may take from submission, or null for no limit
 * @param grammar GBNF that every completion must follow (checked when the request is submitted;
 *     each branch carries its own grammar state), or null for none
 * @param grammarRoot the rule the grammar starts from
 * @param promptMarkup whether {@code promptText} writes control tokens as text (a prompt rendered
 *     with a chat template: {@code <|im_start|>} and the like become the model's control tokens)
 * @param steps what a reasoning step is, for the step-level strategies (step_beam, dvts)
 * @param verifier what scores partial and complete solutions (the request's {@code scorer}, a process
 *     reward model, or the policy model as a judge)
 * @param answerPattern self-consistency: a regular expression whose first group (or whole match, the
 *     last in the text) is a sample's final answer; null: the last non-blank line
 * @param reference a reference answer a scorer may check against (e.g. an eval item's), or null
 */
@dev.arbor.annotation.PublicApi
public record SearchRequest(String id, String promptText, int[] promptTokens, SearchStrategy strategy, int width,
        int maxNewTokens, List<String> stop, boolean stopAtEndOfGeneration, SamplerParams sampler, long seed,
        double lengthPenalty, Scorer scorer, boolean returnCandidates, Duration timeout, String grammar,
        String grammarRoot, boolean promptMarkup, StepSpec steps, VerifierSpec verifier, String answerPattern,
        String reference) {

    public SearchRequest {
        if (id == null) {
            throw new IllegalArgumentException("id is required");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        promptTokens = promptTokens == null ? null : promptTokens.clone();
        steps = steps == null ? StepSpec.DEFAULTS : steps;
        verifier = verifier == null ? VerifierSpec.SCORER : verifier;
    }

    /** A request of the settings before step-level search existed (default steps and verifier). */
    public SearchRequest(String id, String promptText, int[] promptTokens, SearchStrategy strategy, int width,
            int maxNewTokens, List<String> stop, boolean stopAtEndOfGeneration, SamplerParams sampler, long seed,
            double lengthPenalty, Scorer scorer, boolean returnCandidates, Duration timeout, String grammar,
            String grammarRoot, boolean promptMarkup) {
        this(id, promptText, promptTokens, strategy, width, maxNewTokens, stop, stopAtEndOfGeneration, sampler, seed,
                lengthPenalty, scorer, returnCandidates, timeout, grammar, grammarRoot, promptMarkup, null, null, null,
                null);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Default search strategy; the operator's option takes it from here. */
    public static final SearchStrategy DEFAULT_STRATEGY = SearchStrategy.BEAM;
    /** Default beams or samples. */
    public static final int DEFAULT_WIDTH = 4;
    /** Default most tokens generated per completion. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 64;
    /** Default exponent of the length normalisation of beam scores. */
    public static final double DEFAULT_LENGTH_PENALTY = 1.0;
    /** Whether a completion ends at an end-of-generation token by default. */
    public static final boolean DEFAULT_STOP_AT_END_OF_GENERATION = true;

    /**
     * Builder with Arbor's defaults (the constants above and {@link SamplerParams#DEFAULTS}): beam
     * search, width 4, 64 new tokens, stop at EOG, length penalty 1, seed 0.
     */
    public static final class Builder {
        private final String id;
        private String promptText;
        private int[] promptTokens;
        private SearchStrategy strategy = DEFAULT_STRATEGY;
        private int width = DEFAULT_WIDTH;
        private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
        private List<String> stop = List.of();
        private boolean stopAtEndOfGeneration = DEFAULT_STOP_AT_END_OF_GENERATION;
        private SamplerParams sampler = SamplerParams.DEFAULTS;
        private long seed;
        private double lengthPenalty = DEFAULT_LENGTH_PENALTY;
        private Scorer scorer = Scorer.MEAN_LOGPROB;
        private boolean returnCandidates;
        private Duration timeout;
        private String grammar;
        private String grammarRoot = Grammar.DEFAULT_ROOT;
        private boolean promptMarkup;
        private StepSpec steps = StepSpec.DEFAULTS;
        private VerifierSpec verifier = VerifierSpec.SCORER;
        private String answerPattern;
        private String reference;

        private Builder(String id) {
            this.id = id;
        }

        /** A prompt rendered with a chat template: its control-token markup is read as control tokens. */
        public Builder chatPrompt(String rendered) {
            prompt(rendered);
            this.promptMarkup = true;
            return this;
        }

        public Builder prompt(String text) {
            this.promptMarkup = false;
            this.promptText = text;
            this.promptTokens = null;
            return this;
        }

        public Builder promptTokens(int[] tokens) {
            this.promptTokens = tokens;
            this.promptText = null;
            return this;
        }

        public Builder strategy(SearchStrategy value) {
            this.strategy = value;
            return this;
        }

        public Builder width(int value) {
            this.width = value;
            return this;
        }

        public Builder maxNewTokens(int value) {
            this.maxNewTokens = value;
            return this;
        }

        public Builder stop(List<String> value) {
            this.stop = value;
            return this;
        }

        public Builder stopAtEndOfGeneration(boolean value) {
            this.stopAtEndOfGeneration = value;
            return this;
        }

        public Builder sampler(SamplerParams value) {
            this.sampler = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder lengthPenalty(double value) {
            this.lengthPenalty = value;
            return this;
        }

        public Builder scorer(Scorer value) {
            this.scorer = value;
            return this;
        }

        public Builder returnCandidates(boolean value) {
            this.returnCandidates = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** GBNF every completion must follow, starting from the rule {@code root}. */
        public Builder grammar(String gbnf) {
            this.grammar = gbnf;
            return this;
        }

        /** GBNF every completion must follow, starting from the rule {@code root}. */
        public Builder grammar(String gbnf, String root) {
            this.grammar = gbnf;
            this.grammarRoot = root == null ? Grammar.DEFAULT_ROOT : root;
            return this;
        }

        /** What a reasoning step is (step_beam, dvts). */
        public Builder steps(StepSpec value) {
            this.steps = value;
            return this;
        }

        /** What scores partial and complete solutions. */
        public Builder verifier(VerifierSpec value) {
            this.verifier = value;
            return this;
        }

        /** The step delimiter (step_beam, dvts); the other step settings are kept. */
        public Builder stepDelimiter(String value) {
            this.steps = steps.withDelimiter(value);
            return this;
        }

        /** Most tokens of one step. */
        public Builder maxStepTokens(int value) {
            this.steps = steps.withMaxStepTokens(value);
            return this;
        }

        /** Most steps of one solution. */
        public Builder maxSteps(int value) {
            this.steps = steps.withMaxSteps(value);
            return this;
        }

        /** Next steps sampled from each kept partial solution (0: the default). */
        public Builder expansions(int value) {
            this.steps = steps.withExpansions(value);
            return this;
        }

        /**
         * The scorer by name: {@code logprob} (mean token logprob, the default), {@code logprob_sum},
         * {@code prm} (the slot's process reward model), {@code judge} (the policy model asked a yes/no
         * question), or the name of a class implementing {@link Scorer} (a public no-argument
         * constructor; one instance serves the JVM, so it must be thread-safe).
         *
         * @throws IllegalArgumentException naming the scorer, when it is none of these
         */
        public Builder scorerNamed(String name) {
            Scorers.apply(this, name);
            return this;
        }

        /** How a process reward model's step scores make a solution's: last, min or product. */
        public Builder aggregation(String name) {
            VerifierSpec.Aggregation chosen;
            try {
                chosen = VerifierSpec.Aggregation.named(name == null ? "" : name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("aggregation must be last, min or product, was '" + name + "'");
            }
            this.verifier = new VerifierSpec(verifier.kind(), chosen, verifier.question(), verifier.yes(),
                    verifier.no());
            return this;
        }

        /** The judge's question (its answer, yes or no, starts where it ends). */
        public Builder judgeQuestion(String question) {
            this.verifier = verifier.withQuestion(question == null ? VerifierSpec.DEFAULT_QUESTION : question);
            return this;
        }

        /** The kind of verifier, keeping the aggregation and the judge's question. */
        Builder verifierKind(VerifierSpec.Kind kind) {
            this.verifier = new VerifierSpec(kind, verifier.aggregation(), verifier.question(), verifier.yes(),
                    verifier.no());
            return this;
        }

        /** Self-consistency: the regular expression that finds a sample's final answer. */
        public Builder answerPattern(String regex) {
            this.answerPattern = regex;
            return this;
        }

        /** A reference answer scorers may check against. */
        public Builder reference(String value) {
            this.reference = value;
            return this;
        }

        public SearchRequest build() {
            return new SearchRequest(id, promptText, promptTokens, strategy, width, maxNewTokens, stop,
                    stopAtEndOfGeneration, sampler, seed, lengthPenalty, scorer, returnCandidates, timeout, grammar,
                    grammarRoot, promptMarkup, steps, verifier, answerPattern, reference);
        }
    }
}
