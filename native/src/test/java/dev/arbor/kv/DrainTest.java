package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainTest {
    @Test
    void drainInvalidatesEveryHandleAndRefusesNewBranches() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny()); KvFixture kv = new KvFixture(model, 512, 64, 4)) {
            int[] prompt = model.tokenize("the end", true, false);
            Branch a = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch b = a.fork();
            Branch c = Branch.create(kv.store, prompt, SamplerParams.greedy());

            kv.store.drain();
            for (Branch branch : List.of(a, b, c)) {
                assertThat(branch.isActive()).isFalse();
                assertThatThrownBy(branch::position).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(branch::logits).isInstanceOf(IllegalStateException.class);
            }
            assertThat(kv.store.available()).isEqualTo(4);
            assertThat(kv.context.kvUsedCells()).isZero();
            assertThatThrownBy(() -> Branch.create(kv.store, prompt, SamplerParams.greedy()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("drained");
            assertThatThrownBy(() -> kv.store.commit(List.of(a), new int[] {5}))
                    .isInstanceOf(IllegalStateException.class);
            kv.store.drain();
            kv.store.close();
            assertThat(kv.store.isDrained()).isTrue();
            assertThat(kv.context.isClosed()).as("the store leaves the context to its owner").isFalse();
        }
    }
}
