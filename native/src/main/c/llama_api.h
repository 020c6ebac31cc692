/*
 * Arbor's own declarations of the part of the llama.cpp C API (tag b4916) that the shim uses.
 *
 * Written from the documented layout facts (shared/notes/llama-b4916.md); nothing here is taken
 * from llama.h. The library is reached through dlopen/dlsym, so every function is a pointer in
 * one table (`arbor_llama`). The layouts are checked with static asserts below: a mismatch
 * breaks the build instead of corrupting memory at run time.
 */
#ifndef ARBOR_LLAMA_API_H
#define ARBOR_LLAMA_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t arbor_token;
typedef int32_t arbor_pos;
typedef int32_t arbor_seq;

/* Log levels of ggml_log_callback. CONT continues the previous message at its level. */
enum { ARBOR_LOG_NONE = 0, ARBOR_LOG_DEBUG = 1, ARBOR_LOG_INFO = 2, ARBOR_LOG_WARN = 3,
       ARBOR_LOG_ERROR = 4, ARBOR_LOG_CONT = 5 };

typedef void (*arbor_log_fn)(int level, const char *text, void *user_data);

/* llama_model_params: 64 bytes. */
typedef struct {
    void *devices;
    int32_t n_gpu_layers;
    int32_t split_mode;
    int32_t main_gpu;
    const float *tensor_split;
    void *progress_callback;
    void *progress_callback_user_data;
    const void *kv_overrides;
    bool vocab_only;
    bool use_mmap;
    bool use_mlock;
    bool check_tensors;
} arbor_model_params;

/* llama_context_params: 120 bytes. */
typedef struct {
    uint32_t n_ctx;
    uint32_t n_batch;
    uint32_t n_ubatch;
    uint32_t n_seq_max;
    int32_t n_threads;
    int32_t n_threads_batch;
    int32_t rope_scaling_type;
    int32_t pooling_type;
    int32_t attention_type;
    float rope_freq_base;
    float rope_freq_scale;
    float yarn_ext_factor;
    float yarn_attn_factor;
    float yarn_beta_fast;
    float yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void *cb_eval;
    void *cb_eval_user_data;
    int32_t type_k;
    int32_t type_v;
    bool logits_all;
    bool embeddings;
    bool offload_kqv;
    bool flash_attn;
    bool no_perf;
    void *abort_callback;
    void *abort_callback_data;
} arbor_context_params;

/* llama_batch: 56 bytes; allocated by llama_batch_init, freed by llama_batch_free. */
typedef struct {
    int32_t n_tokens;
    arbor_token *token;
    float *embd;
    arbor_pos *pos;
    int32_t *n_seq_id;
    arbor_seq **seq_id;
    int8_t *logits;
} arbor_batch;

_Static_assert(sizeof(arbor_model_params) == 64, "llama_model_params is 64 bytes at b4916");
_Static_assert(offsetof(arbor_model_params, n_gpu_layers) == 8, "n_gpu_layers offset");
_Static_assert(offsetof(arbor_model_params, use_mmap) == 57, "use_mmap offset");
_Static_assert(sizeof(arbor_context_params) == 120, "llama_context_params is 120 bytes at b4916");
_Static_assert(offsetof(arbor_context_params, defrag_thold) == 64, "defrag_thold offset");
_Static_assert(offsetof(arbor_context_params, type_k) == 88, "type_k offset");
_Static_assert(offsetof(arbor_context_params, logits_all) == 96, "logits_all offset");
_Static_assert(offsetof(arbor_context_params, abort_callback) == 104, "abort_callback offset");
_Static_assert(sizeof(arbor_batch) == 56, "llama_batch is 56 bytes at b4916");
_Static_assert(offsetof(arbor_batch, logits) == 48, "llama_batch.logits offset");

/* The functions the shim calls, resolved once by arbor_llama_open. Opaque handles are void*. */
typedef struct {
    void (*backend_init)(void);
    void (*backend_free)(void);
    void (*log_set)(arbor_log_fn fn, void *user_data);
    void (*ggml_log_set)(arbor_log_fn fn, void *user_data);
    const char *(*print_system_info)(void);
    bool (*supports_gpu_offload)(void);

    arbor_model_params (*model_default_params)(void);
    arbor_context_params (*context_default_params)(void);
    void *(*model_load_from_file)(const char *path, arbor_model_params params);
    void (*model_free)(void *model);
    void *(*init_from_model)(void *model, arbor_context_params params);
    void (*free)(void *ctx);

    const void *(*model_get_vocab)(const void *model);
    int32_t (*model_n_embd)(const void *model);
    int32_t (*model_n_ctx_train)(const void *model);
    uint64_t (*model_n_params)(const void *model);
    int32_t (*model_desc)(const void *model, char *buf, size_t buf_size);
    int32_t (*vocab_n_tokens)(const void *vocab);
    arbor_token (*vocab_bos)(const void *vocab);
    arbor_token (*vocab_eos)(const void *vocab);
    bool (*vocab_is_eog)(const void *vocab, arbor_token token);
    int32_t (*tokenize)(const void *vocab, const char *text, int32_t text_len, arbor_token *tokens,
                        int32_t n_tokens_max, bool add_special, bool parse_special);
    int32_t (*token_to_piece)(const void *vocab, arbor_token token, char *buf, int32_t length,
                              int32_t lstrip, bool special);
    int32_t (*detokenize)(const void *vocab, const arbor_token *tokens, int32_t n_tokens, char *text,
                          int32_t text_len_max, bool remove_special, bool unparse_special);

    uint32_t (*n_ctx)(const void *ctx);
    uint32_t (*n_batch)(const void *ctx);
    uint32_t (*n_ubatch)(const void *ctx);
    uint32_t (*n_seq_max)(const void *ctx);
    arbor_batch (*batch_init)(int32_t n_tokens, int32_t embd, int32_t n_seq_max);
    void (*batch_free)(arbor_batch batch);
    int32_t (*decode)(void *ctx, arbor_batch batch);
    float *(*get_logits_ith)(void *ctx, int32_t i);

    void (*kv_clear)(void *ctx);
    bool (*kv_seq_rm)(void *ctx, arbor_seq seq, arbor_pos p0, arbor_pos p1);
    void (*kv_seq_cp)(void *ctx, arbor_seq src, arbor_seq dst, arbor_pos p0, arbor_pos p1);
    void (*kv_seq_keep)(void *ctx, arbor_seq seq);
    int32_t (*kv_used_cells)(const void *ctx);
    void (*kv_defrag)(void *ctx);
    void (*kv_update)(void *ctx);

    size_t (*state_seq_get_size)(void *ctx, arbor_seq seq);
    size_t (*state_seq_get_data)(void *ctx, uint8_t *dst, size_t size, arbor_seq seq);
    size_t (*state_seq_set_data)(void *ctx, const uint8_t *src, size_t size, arbor_seq dest_seq);
} arbor_llama_api;

/* The resolved table; valid once arbor_llama_open returned NULL (no error). */
extern arbor_llama_api arbor_llama;

/*
 * dlopens the llama.cpp library at `path` (RTLD_NOW | RTLD_LOCAL) and resolves every function.
 * Returns NULL on success, or a static/thread-local message describing what is missing.
 */
const char *arbor_llama_open(const char *path);

/* True once arbor_llama_open succeeded. */
bool arbor_llama_is_open(void);

#endif
