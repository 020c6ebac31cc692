/*
 * Small helpers shared by the JNI entry points: throwing Java exceptions and turning the opaque
 * jlong handles back into structs. Every entry point validates before touching llama.cpp, so a
 * misuse from Java surfaces as an exception, never as a crash.
 */
#ifndef ARBOR_JNI_UTIL_H
#define ARBOR_JNI_UTIL_H

#include <jni.h>
#include <stdint.h>

#include "llama_api.h"

struct arbor_piece_index; /* grammar_jni.c: what grammars need to know of every token's piece */

/* A loaded model: the llama_model and its vocab, looked up once. */
typedef struct {
    struct llama_model *model;
    const struct llama_vocab *vocab;
    int32_t n_vocab;
    struct arbor_piece_index *_Atomic piece_index; /* built on first use by a grammar, freed with the model */
} arbor_model;

/* Frees what grammar_jni.c built for a model (its piece index), once the model goes. */
void arbor_grammar_model_free(arbor_model *model);

/* A context with its reusable batch and scratch buffers (one decode = one JNI call). */
typedef struct {
    struct llama_context *ctx;
    llama_memory_t memory;
    const arbor_model *model;
    struct ggml_threadpool *threadpool; /* NULL: llama.cpp's own pool */
    struct llama_batch batch;
    int32_t n_batch;
    int32_t n_seq_max;
    int32_t threads_max;      /* the thread count the context was created with */
    bool kv_unified;          /* one KV stream for all sequences (a copy tags cells) */
    int32_t *scratch_n_seq;   /* n_batch entries */
    int32_t *scratch_seq;     /* n_batch * n_seq_max entries */
    int logits_valid;         /* the last decode succeeded, so its logits rows can be read */
    int64_t decode_nanos;     /* time spent inside llama_decode since creation */
    int64_t decode_calls;
} arbor_context;

void arbor_throw_illegal_argument(JNIEnv *env, const char *fmt, ...);
void arbor_throw_illegal_state(JNIEnv *env, const char *fmt, ...);
void arbor_throw_llama(JNIEnv *env, const char *fmt, ...);
void arbor_throw_oom(JNIEnv *env, const char *what);

/* Returns the model behind a handle, or throws IllegalStateException and returns NULL. */
arbor_model *arbor_model_from(JNIEnv *env, jlong handle);

/* Returns the context behind a handle, or throws IllegalStateException and returns NULL. */
arbor_context *arbor_context_from(JNIEnv *env, jlong handle);

/* Copies a Java byte[] into a fresh NUL-terminated buffer (caller frees), or throws. */
char *arbor_copy_cstring(JNIEnv *env, jbyteArray bytes, jsize *length_out);

/* Returns a new Java byte[] holding `length` bytes, or NULL with an exception pending. */
jbyteArray arbor_new_bytes(JNIEnv *env, const char *data, jsize length);

#endif
