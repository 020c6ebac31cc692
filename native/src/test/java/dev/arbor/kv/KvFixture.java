package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.ContextParams;
import dev.arbor.llama.KvState;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;

/** A context and a store on it, closed together; plus checks shared by the kv tests. */
final class KvFixture implements AutoCloseable {
    final LlamaContext context;
    final BranchStore store;

    KvFixture(LlamaModel model, int nCtx, int nBatch, int nSeqMax) {
        this(model, nCtx, nBatch, nSeqMax, true);
    }

    /** With {@code kvUnified} false every sequence gets a stream of its own (nCtx / nSeqMax cells, padded). */
    KvFixture(LlamaModel model, int nCtx, int nBatch, int nSeqMax, boolean kvUnified) {
        this.context = LlamaContext.create(model, ContextParams.builder().nCtx(nCtx).nBatch(nBatch).nSeqMax(nSeqMax)
                .threads(2).kvUnified(kvUnified).build());
        this.store = new BranchStore(context);
    }

    /** A fixture of a context and store made by the caller (closed with it). */
    KvFixture(LlamaContext context, BranchStore store) {
        this.context = context;
        this.store = store;
    }

    @Override
    public void close() {
        store.close();
        context.close();
    }

    /** Cells held by one sequence, as llama.cpp's serialized state of it says. */
    static int cellsOf(LlamaContext context, int seq) {
        return KvState.cells(context, seq);
    }

    static float maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
