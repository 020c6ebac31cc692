/* Resolution of the llama.cpp function table through dlopen/dlsym (see llama_api.h). */
#include "llama_api.h"

#include <dlfcn.h>
#include <stdio.h>

arbor_llama_api arbor_llama;

static void *library_handle;
static _Thread_local char open_error[1024];

/* Binds one symbol; on failure remembers which one and returns false. */
static bool bind(void *lib, void **slot, const char *name) {
    *slot = dlsym(lib, name);
    if (*slot == NULL) {
        snprintf(open_error, sizeof open_error,
                 "symbol %s not found: the library is not llama.cpp b4916 (or a build close to it)", name);
        return false;
    }
    return true;
}

#define BIND(field, name) if (!bind(lib, (void **) &api.field, name)) { dlclose(lib); return open_error; }

const char *arbor_llama_open(const char *path) {
    if (library_handle != NULL) {
        return NULL;
    }
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(open_error, sizeof open_error, "dlopen(%s) failed: %s", path, why ? why : "unknown error");
        return open_error;
    }
    arbor_llama_api api;
    BIND(backend_init, "llama_backend_init")
    BIND(backend_free, "llama_backend_free")
    BIND(log_set, "llama_log_set")
    BIND(ggml_log_set, "ggml_log_set")
    BIND(print_system_info, "llama_print_system_info")
    BIND(supports_gpu_offload, "llama_supports_gpu_offload")
    BIND(model_default_params, "llama_model_default_params")
    BIND(context_default_params, "llama_context_default_params")
    BIND(model_load_from_file, "llama_model_load_from_file")
    BIND(model_free, "llama_model_free")
    BIND(init_from_model, "llama_init_from_model")
    BIND(free, "llama_free")
    BIND(model_get_vocab, "llama_model_get_vocab")
    BIND(model_n_embd, "llama_model_n_embd")
    BIND(model_n_ctx_train, "llama_model_n_ctx_train")
    BIND(model_n_params, "llama_model_n_params")
    BIND(model_desc, "llama_model_desc")
    BIND(vocab_n_tokens, "llama_vocab_n_tokens")
    BIND(vocab_bos, "llama_vocab_bos")
    BIND(vocab_eos, "llama_vocab_eos")
    BIND(vocab_is_eog, "llama_vocab_is_eog")
    BIND(tokenize, "llama_tokenize")
    BIND(token_to_piece, "llama_token_to_piece")
    BIND(detokenize, "llama_detokenize")
    BIND(n_ctx, "llama_n_ctx")
    BIND(n_batch, "llama_n_batch")
    BIND(n_ubatch, "llama_n_ubatch")
    BIND(n_seq_max, "llama_n_seq_max")
    BIND(batch_init, "llama_batch_init")
    BIND(batch_free, "llama_batch_free")
    BIND(decode, "llama_decode")
    BIND(get_logits_ith, "llama_get_logits_ith")
    BIND(kv_clear, "llama_kv_self_clear")
    BIND(kv_seq_rm, "llama_kv_self_seq_rm")
    BIND(kv_seq_cp, "llama_kv_self_seq_cp")
    BIND(kv_seq_keep, "llama_kv_self_seq_keep")
    BIND(kv_used_cells, "llama_kv_self_used_cells")
    BIND(kv_defrag, "llama_kv_self_defrag")
    BIND(kv_update, "llama_kv_self_update")
    BIND(state_seq_get_size, "llama_state_seq_get_size")
    BIND(state_seq_get_data, "llama_state_seq_get_data")
    BIND(state_seq_set_data, "llama_state_seq_set_data")
    arbor_llama = api;
    library_handle = lib;
    return NULL;
}

bool arbor_llama_is_open(void) {
    return library_handle != NULL;
}
