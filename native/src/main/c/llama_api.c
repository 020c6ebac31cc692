/* Resolution of the llama.cpp function table through dlopen/dlsym (see llama_api.h). */
#include "llama_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

arbor_llama_api arbor_llama;

static void *library_handle;
static _Thread_local char open_error[1024];

/* Binds one symbol; on failure remembers which one and returns false. */
static bool bind(void *lib, void **slot, const char *name) {
    *slot = dlsym(lib, name);
    if (*slot == NULL) {
        snprintf(open_error, sizeof open_error,
                 "symbol %s not found: the library is not llama.cpp %s", name, ARBOR_LLAMA_VERSION);
        return false;
    }
    return true;
}

#define BIND(name) if (!bind(lib, (void **) &api.name, #name)) { dlclose(lib); return open_error; }

/* A release and its pre-release builds ("0.5.0", "0.5.0-dev") are the same API. */
static bool same_release(const char *found, const char *expected) {
    size_t n = strcspn(expected, "-");
    return strncmp(found, expected, n) == 0 && (found[n] == '\0' || found[n] == '-');
}

/* The CPU backend exports its thread-pool functions only through its registry entry. */
static void bind_cpu_backend(arbor_llama_api *api) {
    ggml_backend_reg_t cpu = api->ggml_backend_reg_by_name("CPU");
    if (cpu == NULL) {
        return;
    }
    api->ggml_threadpool_new = api->ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_new");
    api->ggml_threadpool_free = api->ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_free");
}

const char *arbor_llama_open(const char *path, const char *backend_dir, ggml_log_callback log) {
    if (library_handle != NULL) {
        return NULL;
    }
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(open_error, sizeof open_error, "dlopen(%s) failed: %s", path, why ? why : "unknown error");
        return open_error;
    }
    arbor_llama_api api = {0};
    BIND(llama_version)
    const char *version = api.llama_version();
    if (version == NULL || !same_release(version, ARBOR_LLAMA_VERSION)) {
        snprintf(open_error, sizeof open_error,
                 "%s is llama.cpp %s, but Arbor's shim was built for llama.cpp %s: use a build of %s",
                 path, version == NULL ? "(unknown)" : version, ARBOR_LLAMA_VERSION, ARBOR_LLAMA_VERSION);
        dlclose(lib);
        return open_error;
    }
    BIND(llama_backend_init)
    BIND(llama_backend_free)
    BIND(llama_log_set)
    BIND(llama_print_system_info)
    BIND(llama_supports_gpu_offload)
    BIND(llama_model_default_params)
    BIND(llama_context_default_params)
    BIND(llama_model_load_from_file)
    BIND(llama_model_free)
    BIND(llama_init_from_model)
    BIND(llama_free)
    BIND(llama_model_get_vocab)
    BIND(llama_model_n_embd)
    BIND(llama_model_n_layer)
    BIND(llama_model_n_ctx_train)
    BIND(llama_model_n_params)
    BIND(llama_model_is_recurrent)
    BIND(llama_model_is_hybrid)
    BIND(llama_model_is_diffusion)
    BIND(llama_model_n_swa)
    BIND(llama_model_size)
    BIND(llama_model_desc)
    BIND(llama_model_meta_val_str)
    BIND(llama_model_chat_template)
    BIND(llama_chat_apply_template)
    BIND(llama_chat_builtin_templates)
    BIND(llama_vocab_n_tokens)
    BIND(llama_vocab_bos)
    BIND(llama_vocab_eos)
    BIND(llama_vocab_is_eog)
    BIND(llama_vocab_get_add_bos)
    BIND(llama_tokenize)
    BIND(llama_token_to_piece)
    BIND(llama_detokenize)
    BIND(llama_n_ctx)
    BIND(llama_n_ctx_seq)
    BIND(llama_n_batch)
    BIND(llama_n_ubatch)
    BIND(llama_n_seq_max)
    BIND(llama_set_n_threads)
    BIND(llama_n_threads)
    BIND(llama_attach_threadpool)
    BIND(llama_detach_threadpool)
    BIND(llama_batch_init)
    BIND(llama_batch_free)
    BIND(llama_decode)
    BIND(llama_get_logits_ith)
    BIND(llama_get_memory)
    BIND(llama_memory_clear)
    BIND(llama_memory_seq_rm)
    BIND(llama_memory_seq_cp)
    BIND(llama_memory_seq_keep)
    BIND(llama_memory_seq_pos_min)
    BIND(llama_memory_seq_pos_max)
    BIND(llama_state_seq_get_size_ext)
    BIND(llama_state_seq_get_data_ext)
    BIND(llama_state_seq_set_data_ext)
    BIND(llama_sampler_init_grammar)
    BIND(llama_sampler_clone)
    BIND(llama_sampler_free)
    BIND(llama_sampler_accept)
    BIND(llama_sampler_apply)
    BIND(ggml_log_set)
    BIND(ggml_version)
    BIND(ggml_commit)
    BIND(ggml_backend_load_all_from_path)
    BIND(ggml_backend_reg_count)
    BIND(ggml_backend_reg_get)
    BIND(ggml_backend_reg_name)
    BIND(ggml_backend_reg_by_name)
    BIND(ggml_backend_reg_get_proc_address)
    BIND(ggml_backend_dev_count)
    BIND(ggml_backend_dev_get)
    BIND(ggml_backend_dev_name)
    BIND(ggml_backend_dev_description)
    BIND(ggml_backend_dev_memory)
    BIND(ggml_backend_dev_type)
    BIND(ggml_threadpool_params_default)
    /* Logs first, so that a backend that fails to load says why in Arbor's log. */
    api.llama_log_set(log, NULL);
    api.ggml_log_set(log, NULL);
    /* Backends are separate libraries since 2025: without them no model loads. */
    api.ggml_backend_load_all_from_path(backend_dir);
    bind_cpu_backend(&api);
    arbor_llama = api;
    library_handle = lib;
    return NULL;
}

bool arbor_llama_is_open(void) {
    return library_handle != NULL;
}
