/*
 * The part of the llama.cpp C API that the shim uses, as one table of function pointers.
 *
 * This is the one place that knows which llama.cpp version Arbor is built for. The types and
 * signatures come from the pinned release's own llama.h and ggml headers, which the build fetches
 * (native/llama/fetch-llama.sh) and never commits; `__typeof__` takes each pointer's type from
 * the header's declaration, so a signature that changes in a new release breaks the build instead
 * of corrupting memory. The library is reached through dlopen (RTLD_LOCAL), so another llama.cpp
 * in the same process cannot interfere, and a user may name their own build of the same version.
 */
#ifndef ARBOR_LLAMA_API_H
#define ARBOR_LLAMA_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "llama.h"

/* The llama_version() this shim was compiled for (from native/llama/packages.properties). */
#ifndef ARBOR_LLAMA_VERSION
#error "ARBOR_LLAMA_VERSION must be defined by the build"
#endif

/* llama.cpp's internal LLAMA_MAX_SEQ (not in its public header): most sequences per context. */
#define ARBOR_MAX_SEQ 256

#define ARBOR_FN(name) __typeof__(name) *name

/* The functions the shim calls, resolved once by arbor_llama_open. */
typedef struct {
    ARBOR_FN(llama_version);
    ARBOR_FN(llama_backend_init);
    ARBOR_FN(llama_backend_free);
    ARBOR_FN(llama_log_set);
    ARBOR_FN(llama_print_system_info);
    ARBOR_FN(llama_supports_gpu_offload);

    ARBOR_FN(llama_model_default_params);
    ARBOR_FN(llama_context_default_params);
    ARBOR_FN(llama_model_load_from_file);
    ARBOR_FN(llama_model_free);
    ARBOR_FN(llama_init_from_model);
    ARBOR_FN(llama_free);

    ARBOR_FN(llama_model_get_vocab);
    ARBOR_FN(llama_model_n_embd);
    ARBOR_FN(llama_model_n_layer);
    ARBOR_FN(llama_model_n_ctx_train);
    ARBOR_FN(llama_model_n_params);
    ARBOR_FN(llama_model_is_recurrent);
    ARBOR_FN(llama_model_is_hybrid);
    ARBOR_FN(llama_model_is_diffusion);
    ARBOR_FN(llama_model_n_swa);
    ARBOR_FN(llama_model_size);
    ARBOR_FN(llama_model_desc);
    ARBOR_FN(llama_model_meta_val_str);
    ARBOR_FN(llama_model_chat_template);
    ARBOR_FN(llama_chat_apply_template);
    ARBOR_FN(llama_chat_builtin_templates);
    ARBOR_FN(llama_vocab_n_tokens);
    ARBOR_FN(llama_vocab_bos);
    ARBOR_FN(llama_vocab_eos);
    ARBOR_FN(llama_vocab_is_eog);
    ARBOR_FN(llama_vocab_get_add_bos);
    ARBOR_FN(llama_tokenize);
    ARBOR_FN(llama_token_to_piece);
    ARBOR_FN(llama_detokenize);

    ARBOR_FN(llama_n_ctx);
    ARBOR_FN(llama_n_ctx_seq);
    ARBOR_FN(llama_n_batch);
    ARBOR_FN(llama_n_ubatch);
    ARBOR_FN(llama_n_seq_max);
    ARBOR_FN(llama_set_n_threads);
    ARBOR_FN(llama_n_threads);
    ARBOR_FN(llama_attach_threadpool);
    ARBOR_FN(llama_detach_threadpool);
    ARBOR_FN(llama_batch_init);
    ARBOR_FN(llama_batch_free);
    ARBOR_FN(llama_decode);
    ARBOR_FN(llama_get_logits_ith);

    ARBOR_FN(llama_get_memory);
    ARBOR_FN(llama_memory_clear);
    ARBOR_FN(llama_memory_seq_rm);
    ARBOR_FN(llama_memory_seq_cp);
    ARBOR_FN(llama_memory_seq_keep);
    ARBOR_FN(llama_memory_seq_pos_min);
    ARBOR_FN(llama_memory_seq_pos_max);
    ARBOR_FN(llama_state_seq_get_size_ext);
    ARBOR_FN(llama_state_seq_get_data_ext);
    ARBOR_FN(llama_state_seq_set_data_ext);

    ARBOR_FN(llama_sampler_init_grammar);
    ARBOR_FN(llama_sampler_clone);
    ARBOR_FN(llama_sampler_free);
    ARBOR_FN(llama_sampler_accept);
    ARBOR_FN(llama_sampler_apply);

    ARBOR_FN(ggml_log_set);
    ARBOR_FN(ggml_version);
    ARBOR_FN(ggml_commit);
    ARBOR_FN(ggml_backend_load_all_from_path);
    ARBOR_FN(ggml_backend_reg_count);
    ARBOR_FN(ggml_backend_reg_get);
    ARBOR_FN(ggml_backend_reg_name);
    ARBOR_FN(ggml_backend_reg_by_name);
    ARBOR_FN(ggml_backend_reg_get_proc_address);
    ARBOR_FN(ggml_backend_dev_count);
    ARBOR_FN(ggml_backend_dev_get);
    ARBOR_FN(ggml_backend_dev_name);
    ARBOR_FN(ggml_backend_dev_description);
    ARBOR_FN(ggml_backend_dev_memory);
    ARBOR_FN(ggml_backend_dev_type);
    ARBOR_FN(ggml_threadpool_params_default);

    /* From the CPU backend, which is loaded at run time: NULL when no CPU backend loaded. */
    ARBOR_FN(ggml_threadpool_new);
    ARBOR_FN(ggml_threadpool_free);
} arbor_llama_api;

#undef ARBOR_FN

/* The resolved table; valid once arbor_llama_open returned NULL (no error). */
extern arbor_llama_api arbor_llama;

/*
 * dlopens the llama.cpp library at `path` (RTLD_NOW | RTLD_LOCAL), resolves every function,
 * checks llama_version() against ARBOR_LLAMA_VERSION, routes llama's and ggml's logs to `log`
 * and loads the ggml backends found in `backend_dir` (the CPU variant that suits this CPU, CUDA
 * when present and usable). Returns NULL on success, or a message saying what is wrong.
 */
const char *arbor_llama_open(const char *path, const char *backend_dir, ggml_log_callback log);

/* True once arbor_llama_open succeeded. */
bool arbor_llama_is_open(void);

#endif
