package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.gguf.SyntheticArchitecture.MemoryKind;
import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The table of architectures as files: determinism, sizes, and the keys and tensors llama.cpp
 * 0.5.0 derives each family's memory from (its layer patterns are recomputed here by llama.cpp's
 * own rules). Loading them in llama.cpp is {@code dev.arbor.llama.ArchitectureDecodeTest}.
 */
class ArchitectureTableTest {
    @TempDir
    Path dir;

    /**
     * Pins the TINY F32 seed-42 bytes of the table's own families across JVMs and machines (llama
     * and qwen3 are pinned by their writers' tests). If this fails after a deliberate change to a
     * row, a block or the writer, update the digest: cached files of the old version are stale.
     */
    private static final Map<SyntheticArchitecture, String> PINNED_TINY_F32_SEED42 = Map.of(
            SyntheticArchitecture.GEMMA3, "7e2663d649d3b6063739bb34f19c54133afb5567f3db07326f4729c4ced00b7b",
            SyntheticArchitecture.QWEN3MOE, "f12c6d1ad4474386f9a93ecb05db44a959213aa1658233bf7c929ab216656650",
            SyntheticArchitecture.QWEN35, "4157243a7d20db27c2db62380e34fa311280e6d25eee089e647297a125d93f87",
            SyntheticArchitecture.LFM2, "2a60815f3a43c6ae7b3e8216e707b714310f674a32c067307c8e220988963e96",
            SyntheticArchitecture.MAMBA2, "cd075dc10f2d8d478f6b997288216583036fae57f7efdddf5c36c44c62f9f5e5");

    @Test
    void tinyBytesArePinned() throws Exception {
        for (Map.Entry<SyntheticArchitecture, String> pinned : PINNED_TINY_F32_SEED42.entrySet()) {
            Path file = dir.resolve(pinned.getKey() + ".gguf");
            pinned.getKey().write(file, Size.TINY, Precision.F32, 42);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            assertThat(HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)))).as(pinned.getKey().name())
                    .isEqualTo(pinned.getValue());
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void sameArgumentsGiveIdenticalBytesAndOtherSeedsDiffer(SyntheticArchitecture arch) throws IOException {
        for (Precision p : Precision.values()) {
            Path a = write(arch, Size.TINY, p, 42, "a");
            Path b = write(arch, Size.TINY, p, 42, "b");
            Path c = write(arch, Size.TINY, p, 43, "c");
            assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
            assertThat(Files.size(c)).isEqualTo(Files.size(a));
            assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void tinyFitsInAMegabyteAndSmallIsComparableToTheDenseSmallModels(SyntheticArchitecture arch)
            throws IOException {
        assertThat(Files.size(write(arch, Size.TINY, Precision.F32, 42, "t"))).isLessThan(1 << 20);
        assertThat(arch.parameterCount(Size.TINY)).isLessThan(250_000L);
        assertThat(arch.parameterCount(Size.SMALL)).isBetween(13_500_000L, 16_500_000L);
        GgufHeader h = GgufReader.read(write(arch, Size.TINY, Precision.F32, 42, "h"));
        assertThat(h.architecture()).contains(arch.ggufName());
        assertThat(h.get("general.name").orElseThrow().asString()).isEqualTo(arch.modelName(Size.TINY));
        assertThat(h.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum())
                .isEqualTo(arch.parameterCount(Size.TINY));
    }

    @Test
    void theLlamaAndQwen3RowsAreTheShapesOfTheirWriters() {
        for (Size size : Size.values()) {
            ModelShape llama = SyntheticArchitecture.LLAMA.shape(size);
            assertThat(List.of(llama.nEmbd(), llama.nLayer(), llama.nHead(), llama.nHeadKv(), llama.headDim(),
                    llama.nFf())).containsExactly(size.nEmbd(), size.nLayer(), size.nHead(), size.nHeadKv(),
                    size.headDim(), size.nFf());
            assertThat(SyntheticArchitecture.LLAMA.parameterCount(size)).isEqualTo(size.parameterCount());
            ModelShape qwen3 = SyntheticArchitecture.QWEN3.shape(size);
            SyntheticQwen3Model.Shape expected = SyntheticQwen3Model.Shape.of(size);
            assertThat(List.of(qwen3.nEmbd(), qwen3.nLayer(), qwen3.nHead(), qwen3.nHeadKv(), qwen3.headDim(),
                    qwen3.nFf())).containsExactly(expected.nEmbd(), expected.nLayer(), expected.nHead(),
                    expected.nHeadKv(), expected.headDim(), expected.nFf());
            assertThat(SyntheticArchitecture.QWEN3.parameterCount(size)).isEqualTo(expected.parameterCount());
        }
        assertThat(SyntheticArchitecture.LLAMA.modelName(Size.TINY)).isEqualTo(Size.TINY.modelName());
        assertThat(SyntheticArchitecture.QWEN3.modelName(Size.SMALL))
                .isEqualTo(SyntheticQwen3Model.modelName(Size.SMALL));
    }

    @Test
    void memoryKindsCoverEveryKindLlamaCppHas() {
        assertThat(List.of(SyntheticArchitecture.values())).extracting(SyntheticArchitecture::memoryKind)
                .contains(MemoryKind.values());
    }

    @Test
    void gemma3SlidesAWindowShorterThanTestPromptsOverAllButItsGlobalLayers() throws IOException {
        for (Size size : Size.values()) {
            GgufHeader h = GgufReader.read(write(SyntheticArchitecture.GEMMA3, size, Precision.F32, 42, "g"));
            long window = u32(h, "gemma3.attention.sliding_window");
            long layers = u32(h, "gemma3.block_count");
            // llama.cpp 0.5.0 (load_swa_pattern, set_swa_pattern): layer il slides iff il % n < n - 1.
            long n = u32(h, "gemma3.attention.sliding_window_pattern");
            long sliding = 0;
            for (long il = 0; il < layers; il++) {
                sliding += il % n < n - 1 ? 1 : 0;
            }
            assertThat(sliding).as("%s sliding layers", size).isBetween(1L, layers - 1);
            assertThat(window).isEqualTo(SyntheticArchitecture.GEMMA3.shape(size).window());
            assertThat(h.get("gemma3.rope.freq_base_swa")).isPresent();
        }
        assertThat(SyntheticArchitecture.GEMMA3.shape(Size.TINY).window()).isEqualTo(16);
    }

    @Test
    void qwen35InterleavesGatedDeltaNetsWithFullAttentionByItsInterval() throws IOException {
        Path file = write(SyntheticArchitecture.QWEN35, Size.SMALL, Precision.F16, 42, "q");
        GgufHeader h = GgufReader.read(file);
        long interval = u32(h, "qwen35.full_attention_interval");
        ModelShape s = SyntheticArchitecture.QWEN35.shape(Size.SMALL);
        long ropeDims = u32(h, "qwen35.rope.dimension_count");
        List<Object> sections = h.get("qwen35.rope.dimension_sections").orElseThrow().asList();
        assertThat(sections).hasSize(4);
        assertThat(sections.stream().mapToInt(x -> (Integer) x).sum()).as("one section per rotated pair")
                .isEqualTo(ropeDims / 2);
        for (int il = 0; il < s.nLayer(); il++) {
            // llama.cpp 0.5.0 (qwen35's load_arch_hparams): recurrent iff (il + 1) % interval != 0.
            boolean recurrent = (il + 1) % interval != 0;
            String p = "blk." + il + ".";
            assertThat(h.tensor(p + "ssm_a").isPresent()).as("layer %d", il).isEqualTo(recurrent);
            if (recurrent) {
                long convDim = (long) s.ssmState() * (2L * s.ssmGroups() + s.ssmHeads());
                assertThat(dims(h, p + "attn_qkv.weight")).containsExactly((long) s.nEmbd(), convDim);
                assertThat(type(h, p + "ssm_conv1d.weight")).as("ssm_conv needs F32").isEqualTo(GgmlType.F32);
                assertDecays(TensorData.read(file, h, p + "ssm_a"), TensorData.read(file, h, p + "ssm_dt.bias"));
            } else {
                assertThat(dims(h, p + "attn_q.weight")).as("query and gate").containsExactly(
                        (long) s.nEmbd(), 2L * s.qDim());
                assertThat(type(h, p + "attn_q.weight")).isEqualTo(GgmlType.F16);
            }
        }
    }

    @Test
    void lfm2MarksItsConvolutionLayersByZeroKeyValueHeads() throws IOException {
        GgufHeader h = GgufReader.read(write(SyntheticArchitecture.LFM2, Size.SMALL, Precision.F32, 42, "l"));
        List<Object> kvHeads = h.get("lfm2.attention.head_count_kv").orElseThrow().asList();
        assertThat(kvHeads).hasSize((int) u32(h, "lfm2.block_count")).contains(0).anyMatch(x -> (Integer) x > 0);
        for (int il = 0; il < kvHeads.size(); il++) {
            boolean convolution = (Integer) kvHeads.get(il) == 0;
            assertThat(h.tensor("blk." + il + ".shortconv.conv.weight").isPresent()).isEqualTo(convolution);
            assertThat(h.tensor("blk." + il + ".attn_q.weight").isPresent()).isEqualTo(!convolution);
        }
        assertThat(h.tensor("token_embd_norm.weight")).as("LFM2's name for the final norm").isPresent();
        assertThat(h.tensor("output_norm.weight")).isEmpty();
    }

    @Test
    void mamba2DecaysEveryHeadAndKeepsKernelsInF32() throws IOException {
        Path file = write(SyntheticArchitecture.MAMBA2, Size.TINY, Precision.F16, 42, "m");
        GgufHeader h = GgufReader.read(file);
        ModelShape s = SyntheticArchitecture.MAMBA2.shape(Size.TINY);
        assertThat(u32(h, "mamba2.attention.head_count")).isZero();
        assertThat(u32(h, "mamba2.ssm.time_step_rank")).isEqualTo(s.ssmHeads());
        for (int il = 0; il < s.nLayer(); il++) {
            String p = "blk." + il + ".";
            assertThat(dims(h, p + "ssm_a")).containsExactly(1L, (long) s.ssmHeads());
            assertThat(type(h, p + "ssm_conv1d.weight")).isEqualTo(GgmlType.F32);
            assertThat(type(h, p + "ssm_in.weight")).isEqualTo(GgmlType.F16);
            assertThat(TensorData.read(file, h, p + "ssm_d")).containsOnly(1f);
            assertDecays(TensorData.read(file, h, p + "ssm_a"), TensorData.read(file, h, p + "ssm_dt.bias"));
        }
    }

    @Test
    void qwen3moeStacksItsExpertsAndKeepsTheRouterInF32() throws IOException {
        GgufHeader h = GgufReader.read(write(SyntheticArchitecture.QWEN3MOE, Size.TINY, Precision.F16, 42, "e"));
        ModelShape s = SyntheticArchitecture.QWEN3MOE.shape(Size.TINY);
        assertThat(u32(h, "qwen3moe.expert_count")).isEqualTo(s.nExpert());
        assertThat(u32(h, "qwen3moe.expert_used_count")).isEqualTo(s.nExpertUsed());
        assertThat(dims(h, "blk.1.ffn_down_exps.weight"))
                .containsExactly((long) s.nFfExpert(), (long) s.nEmbd(), (long) s.nExpert());
        assertThat(type(h, "blk.1.ffn_gate_exps.weight")).isEqualTo(GgmlType.F16);
        assertThat(type(h, "blk.1.ffn_gate_inp.weight")).isEqualTo(GgmlType.F32);
        assertThat(h.tensor("blk.1.ffn_gate.weight")).isEmpty();
    }

    @Test
    void inconsistentShapesAreRejected() {
        assertThatThrownBy(() -> ModelShape.transformer(64, 2, 4, 3, 16, 128))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelShape.transformer(64, 2, 4, 2, 16, 128).withExperts(2, 4, 64))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelShape.transformer(64, 2, 4, 2, 16, 128).withFullAttentionEvery(3))
                .isInstanceOf(IllegalArgumentException.class);
        ModelShape pattern = ModelShape.transformer(64, 6, 4, 2, 16, 128).withFullAttentionEvery(3);
        assertThat(List.of(0, 1, 2, 3, 4, 5)).map(pattern::isFullAttention)
                .containsExactly(false, false, true, false, false, true);
    }

    /** Per-token decay exp(-A dt) in (0, 1): A in [1, 16], softplus(dt bias) in [0.001, 0.1]. */
    private static void assertDecays(float[] negativeA, float[] dtBias) {
        assertThat(negativeA).hasSameSizeAs(dtBias);
        for (int h = 0; h < negativeA.length; h++) {
            assertThat(-negativeA[h]).isBetween(0.999f, 16.001f);
            double dt = Math.log1p(Math.exp(dtBias[h]));
            assertThat(dt).isBetween(0.000999, 0.100001);
        }
    }

    private Path write(SyntheticArchitecture arch, Size size, Precision p, long seed, String tag) throws IOException {
        Path file = dir.resolve(arch + "-" + size + "-" + p + "-" + seed + "-" + tag + ".gguf");
        arch.write(file, size, p, seed);
        return file;
    }

    private static long u32(GgufHeader h, String key) {
        return h.get(key).orElseThrow(() -> new AssertionError("no key " + key)).asLong();
    }

    private static List<Long> dims(GgufHeader h, String tensor) {
        return h.tensor(tensor).orElseThrow(() -> new AssertionError("no tensor " + tensor)).dims();
    }

    private static GgmlType type(GgufHeader h, String tensor) {
        return h.tensor(tensor).orElseThrow().type().orElseThrow();
    }
}
