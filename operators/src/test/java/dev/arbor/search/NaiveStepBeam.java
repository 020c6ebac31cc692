package dev.arbor.search;

import dev.arbor.kv.Sampler;
import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The test oracle of step_beam: the same rules written independently, with no branch tree. Every
 * token's distribution comes from decoding the node's whole history from scratch into an emptied
 * sequence; each node samples with a sampler of the request's parameters, seeded as the engine seeds
 * it (from the request id, its seed and the node's number), after the tokens its path generated.
 * Round 0 expands the prompt into width first steps; each later round expands each kept open node by
 * {@code expansions}; the best {@code width / expansions} of the round's nodes and the finished ones
 * kept before are kept (score, then node number).
 */
final class NaiveStepBeam implements AutoCloseable {
    record Node(int id, int parent, int round, String step, double score, boolean kept, boolean finished,
            int[] tokens) {}

    private static final class Live {
        final int id;
        final int parent;
        final int round;
        final int[] tokens;
        final float[] logprobs;
        final String text;
        String step = "";
        double score;
        boolean finished;
        int stepCount;

        Live(int id, int parent, int round, int[] tokens, float[] logprobs, String text, int stepCount) {
            this.id = id;
            this.parent = parent;
            this.round = round;
            this.tokens = tokens;
            this.logprobs = logprobs;
            this.text = text;
            this.stepCount = stepCount;
        }
    }

    private final LlamaModel model;
    private final LlamaContext context;

    NaiveStepBeam(LlamaModel model) {
        this.model = model;
        this.context = LlamaContext.create(model, ContextParams.builder().nCtx(512).nBatch(256).nSeqMax(1).threads(2)
                .build());
    }

    /** Every node the search scored, in the order the engine numbers them. */
    List<Node> search(SearchRequest request, int[] prompt) {
        StepSpec spec = request.steps();
        int expansions = spec.expansionsFor(request.width());
        int keep = spec.groupsFor(request.width());
        List<Node> out = new ArrayList<>();
        List<Live> open = new ArrayList<>(List.of(new Live(-1, -1, -1, new int[0], new float[0], "", 0)));
        List<Live> finished = new ArrayList<>();
        int nextId = 0;
        for (int round = 0; !open.isEmpty(); round++) {
            List<Live> children = new ArrayList<>();
            int perParent = round == 0 ? keep * expansions : expansions;
            for (Live parent : open) {
                for (int e = 0; e < perParent; e++) {
                    children.add(grow(request, prompt, parent, nextId++, round));
                }
            }
            for (Live child : children) {
                child.score = request.scorer().score(new Completion(child.text, child.tokens, child.logprobs,
                        StopReason.LENGTH));
            }
            List<Live> candidates = new ArrayList<>(children);
            candidates.addAll(finished);
            candidates.sort(Comparator.comparingDouble((Live l) -> l.score).reversed().thenComparingInt(l -> l.id));
            List<Live> kept = candidates.subList(0, Math.min(keep, candidates.size()));
            open = new ArrayList<>();
            finished = new ArrayList<>();
            for (Live live : kept) {
                (live.finished ? finished : open).add(live);
            }
            for (Live child : children) {
                out.add(new Node(child.id, child.parent, child.round, child.step, child.score, kept.contains(child),
                        child.finished, child.tokens));
            }
        }
        return out;
    }

    /** Generates one step after {@code parent}, token by token, each from a fresh decode. */
    private Live grow(SearchRequest request, int[] prompt, Live parent, int id, int round) {
        StepSpec spec = request.steps();
        Sampler sampler = new Sampler(request.sampler());
        for (int token : parent.tokens) {
            sampler.accept(token);
        }
        sampler.reseed(Seeds.derive(request.id(), request.seed(), id));
        int[] tokens = parent.tokens.clone();
        float[] logprobs = parent.logprobs.clone();
        byte[] textBytes = parent.text.getBytes(StandardCharsets.UTF_8);
        StringBuilder step = new StringBuilder();
        byte[] stepBytes = new byte[0];
        Live child;
        while (true) {
            float[] logits = logitsAfter(prompt, tokens);
            int token = sampler.sample(logits);
            float logprob = (float) (logits[token] - logSumExp(logits));
            tokens = append(tokens, token);
            logprobs = Arrays.copyOf(logprobs, logprobs.length + 1);
            logprobs[logprobs.length - 1] = logprob;
            byte[] piece = model.tokenPiece(token);
            textBytes = concat(textBytes, piece);
            stepBytes = concat(stepBytes, piece);
            String stepText = new String(stepBytes, StandardCharsets.UTF_8);
            int stepTokens = tokens.length - parent.tokens.length;
            if (tokens.length >= request.maxNewTokens()) {
                child = finish(id, parent, round, tokens, logprobs, textBytes, stepText, true);
                break;
            }
            sampler.accept(token);
            if (stepText.contains(spec.delimiter()) || stepTokens >= spec.maxStepTokens()) {
                boolean last = parent.stepCount + 1 >= spec.maxSteps();
                child = finish(id, parent, round, tokens, logprobs, textBytes, stepText, last);
                break;
            }
        }
        return child;
    }

    private static Live finish(int id, Live parent, int round, int[] tokens, float[] logprobs, byte[] text,
            String step, boolean finished) {
        Live child = new Live(id, parent.id, round, tokens, logprobs, new String(text, StandardCharsets.UTF_8),
                parent.stepCount + 1);
        child.step = step;
        child.finished = finished;
        return child;
    }

    private float[] logitsAfter(int[] prompt, int[] generated) {
        context.seqRemove(0, -1, -1);
        int[] all = append(prompt, generated);
        try (Batch batch = new Batch(all.length)) {
            for (int i = 0; i < all.length; i++) {
                batch.add(all[i], i, 0, i == all.length - 1);
            }
            context.decode(batch);
        }
        return context.logits(all.length - 1);
    }

    private static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }

    private static int[] append(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        context.close();
    }
}
