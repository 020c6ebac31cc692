package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenancyTest {
    private static LlamaModel model;
    private LlamaContext context;
    private Tenancy tenancy;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @BeforeEach
    void open() {
        context = LlamaContext.create(model, ContextParams.builder().nCtx(256).nBatch(32).nSeqMax(4).threads(2).build());
        tenancy = new Tenancy(context);
    }

    @AfterEach
    void close() {
        context.close();
    }

    private void decodeInto(int seq, int tokens) {
        try (Batch batch = new Batch(tokens)) {
            for (int i = 0; i < tokens; i++) {
                batch.add(5 + i, i, seq, i == tokens - 1);
            }
            context.decode(batch);
        }
    }

    @Test
    void handsOutTheLowestVacantIdFirst() {
        assertThat(tenancy.acquire()).hasValue(0);
        assertThat(tenancy.acquire()).hasValue(1);
        assertThat(tenancy.acquire()).hasValue(2);
        tenancy.release(1);
        assertThat(tenancy.acquire()).hasValue(1);
        assertThat(tenancy.acquire()).hasValue(3);
    }

    @Test
    void acquirePastNSeqMaxReportsNone() {
        for (int i = 0; i < 4; i++) {
            assertThat(tenancy.acquire()).isPresent();
        }
        assertThat(tenancy.available()).isZero();
        assertThat(tenancy.acquire()).isEqualTo(OptionalInt.empty());
        assertThat(tenancy.available()).isZero();
    }

    @Test
    void evictFreesTheSequenceCells() {
        int seq = tenancy.acquire().getAsInt();
        decodeInto(seq, 7);
        assertThat(context.kvUsedCells()).isEqualTo(7);
        tenancy.evict(seq);
        assertThat(context.kvUsedCells()).as("a vacant id holds no cells").isZero();
        assertThat(KvFixture.cellsOf(context, seq)).isZero();
        assertThat(tenancy.available()).isEqualTo(4);
    }

    @Test
    void retainKeepsOneIdAndNeverHandsItOut() {
        for (int i = 0; i < 4; i++) {
            decodeInto(tenancy.acquire().getAsInt(), 3 + i);
        }
        tenancy.retain(2);
        assertThat(tenancy.available()).isEqualTo(3);
        assertThat(context.kvUsedCells()).isEqualTo(5);
        for (int seq : new int[] {0, 1, 3}) {
            assertThat(KvFixture.cellsOf(context, seq)).as("vacant seq %d", seq).isZero();
        }
        assertThat(tenancy.acquire()).hasValue(0);
        assertThat(tenancy.acquire()).hasValue(1);
        assertThat(tenancy.acquire()).hasValue(3);
        assertThat(tenancy.acquire()).isEmpty();
    }

    @Test
    void evictAllRestoresEveryIdAndEmptiesTheCache() {
        for (int i = 0; i < 3; i++) {
            decodeInto(tenancy.acquire().getAsInt(), 4);
        }
        tenancy.evictAll();
        assertThat(tenancy.available()).isEqualTo(4);
        assertThat(context.kvUsedCells()).isZero();
    }

    @Test
    void misuseThrows() {
        assertThatThrownBy(() -> tenancy.release(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tenancy.evict(9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leasedCountsTheLeasedIdsAndIsLeasedNamesThem() {
        assertThat(tenancy.leased()).isZero();
        tenancy.acquire();
        tenancy.acquire();
        tenancy.release(0);
        assertThat(tenancy.leased()).isEqualTo(1);
        assertThat(tenancy.leased() + tenancy.available()).isEqualTo(tenancy.capacity());
        assertThat(tenancy.isLeased(1)).isTrue();
        assertThat(tenancy.isLeased(0)).isFalse();
        assertThat(tenancy.isLeased(-1)).as("outside the ids: never leased, never a throw").isFalse();
        assertThat(tenancy.isLeased(tenancy.capacity())).isFalse();
        tenancy.evictAll();
        assertThat(tenancy.leased()).isZero();
        assertThat(tenancy.isLeased(1)).isFalse();
    }
}
