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

/* A loaded model: the llama_model and its vocab, looked up once. */
typedef struct {
    void *model;
    const void *vocab;
    int32_t n_vocab;
} arbor_model;

/* A context with its reusable batch and scratch buffers (one decode = one JNI call). */
typedef struct {
    void *ctx;
    const arbor_model *model;
    arbor_batch batch;
    int32_t n_batch;
    int32_t n_seq_max;
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

/*
 * llama.cpp b4916 reports a KV cache without room for a batch as status -3 with the log line
 * "failed to prepare ubatch" (not as status 1, which later versions use). The log callback
 * notes that line per thread, so that decode can tell "no KV slot" from a real compute failure.
 */
void arbor_kv_slot_failure_reset(void);
int arbor_kv_slot_failure_seen(void);

/* Returns the model behind a handle, or throws IllegalStateException and returns NULL. */
arbor_model *arbor_model_from(JNIEnv *env, jlong handle);

/* Returns the context behind a handle, or throws IllegalStateException and returns NULL. */
arbor_context *arbor_context_from(JNIEnv *env, jlong handle);

/* Copies a Java byte[] into a fresh NUL-terminated buffer (caller frees), or throws. */
char *arbor_copy_cstring(JNIEnv *env, jbyteArray bytes, jsize *length_out);

/* Returns a new Java byte[] holding `length` bytes, or NULL with an exception pending. */
jbyteArray arbor_new_bytes(JNIEnv *env, const char *data, jsize length);

#endif
