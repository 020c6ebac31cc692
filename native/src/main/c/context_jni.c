/*
 * Contexts: creation, the one-call-per-decode batch path, logits rows, KV sequence operations and
 * per-sequence state. A context is used by one thread at a time (the Java side guarantees it).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"
#include "rows.h"

static int64_t now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void context_release(arbor_context *context) {
    if (context->batch.token != NULL) {
        arbor_llama.llama_batch_free(context->batch);
    }
    if (context->ctx != NULL) {
        arbor_llama.llama_free(context->ctx);
    }
    if (context->threadpool != NULL) {
        arbor_llama.ggml_threadpool_free(context->threadpool);
    }
    free(context->scratch_n_seq);
    free(context->scratch_seq);
    free(context);
}

/*
 * A CPU thread pool of our own, attached to the context: llama.cpp's default pool busy-polls
 * for work between decodes, which steals the cores from whatever else runs on the machine.
 * `poll` is ggml's polling level (0 = sleep at once, 100 = spin long).
 */
static int attach_threadpool(JNIEnv *env, arbor_context *context, jint threads, jint poll) {
    if (arbor_llama.ggml_threadpool_new == NULL) {
        arbor_throw_llama(env, "no CPU backend is loaded, so no CPU thread pool can be made");
        return 0;
    }
    struct ggml_threadpool_params params = arbor_llama.ggml_threadpool_params_default(threads);
    params.poll = (uint32_t) poll;
    context->threadpool = arbor_llama.ggml_threadpool_new(&params);
    if (context->threadpool == NULL) {
        arbor_throw_llama(env, "ggml could not start a thread pool of %d threads", threads);
        return 0;
    }
    arbor_llama.llama_attach_threadpool(context->ctx, context->threadpool, context->threadpool);
    return 1;
}

JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_contextCreate(JNIEnv *env, jclass cls, jlong model_handle,
                                                                       jint n_ctx, jint n_batch, jint n_ubatch,
                                                                       jint n_seq_max, jint threads,
                                                                       jint flash_attention, jboolean kv_unified,
                                                                       jboolean swa_full, jint poll) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return 0;
    }
    if (n_ctx <= 0 || n_batch <= 0 || n_ubatch <= 0 || n_seq_max <= 0 || n_seq_max > ARBOR_MAX_SEQ || threads <= 0
        || poll < -1 || poll > 100) {
        arbor_throw_illegal_argument(env, "context sizes must be positive, nSeqMax at most %d and poll -1..100 "
                                     "(nCtx %d, nBatch %d, nUbatch %d, nSeqMax %d, threads %d, poll %d)",
                                     ARBOR_MAX_SEQ, n_ctx, n_batch, n_ubatch, n_seq_max, threads, poll);
        return 0;
    }
    struct llama_context_params params = arbor_llama.llama_context_default_params();
    params.n_ctx = (uint32_t) n_ctx;
    params.n_batch = (uint32_t) n_batch;
    params.n_ubatch = (uint32_t) n_ubatch;
    params.n_seq_max = (uint32_t) n_seq_max;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    params.flash_attn_type = (enum llama_flash_attn_type) flash_attention;
    params.kv_unified = kv_unified == JNI_TRUE;
    params.swa_full = swa_full == JNI_TRUE;
    params.no_perf = true;

    arbor_context *context = calloc(1, sizeof *context);
    if (context == NULL) {
        arbor_throw_oom(env, "context handle");
        return 0;
    }
    context->model = model;
    context->kv_unified = params.kv_unified;
    context->threads_max = threads;
    context->ctx = arbor_llama.llama_init_from_model(model->model, params);
    if (context->ctx == NULL) {
        context_release(context);
        return 0; /* Java names the parameters and the last llama.cpp error. */
    }
    if (poll >= 0 && !attach_threadpool(env, context, threads, poll)) {
        context_release(context);
        return 0;
    }
    context->memory = arbor_llama.llama_get_memory(context->ctx);
    /* llama.cpp caps n_batch at n_ctx; the batch must hold exactly what it accepts. */
    context->n_batch = (int32_t) arbor_llama.llama_n_batch(context->ctx);
    context->n_seq_max = (int32_t) arbor_llama.llama_n_seq_max(context->ctx);
    context->batch = arbor_llama.llama_batch_init(context->n_batch, 0, context->n_seq_max);
    context->scratch_n_seq = malloc(sizeof(int32_t) * (size_t) context->n_batch);
    context->scratch_seq = malloc(sizeof(int32_t) * (size_t) context->n_batch * (size_t) context->n_seq_max);
    if (context->batch.token == NULL || context->scratch_n_seq == NULL || context->scratch_seq == NULL) {
        context_release(context);
        arbor_throw_oom(env, "context batch buffers");
        return 0;
    }
    return (jlong) (intptr_t) context;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_contextFree(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context != NULL) {
        context_release(context);
    }
}

/* nCtx, nBatch, nUbatch, nSeqMax, nCtxSeq as llama.cpp settled them (it pads nCtx). */
JNIEXPORT jintArray JNICALL Java_dev_arbor_llama_LlamaNative_contextShape(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return NULL;
    }
    jint shape[5] = {
        (jint) arbor_llama.llama_n_ctx(context->ctx), context->n_batch,
        (jint) arbor_llama.llama_n_ubatch(context->ctx), context->n_seq_max,
        (jint) arbor_llama.llama_n_ctx_seq(context->ctx),
    };
    jintArray out = (*env)->NewIntArray(env, 5);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, 5, shape);
    }
    return out;
}

/* Checks array lengths, seq ids and tokens of a batch before llama.cpp sees it. */
static int validate_batch(JNIEnv *env, arbor_context *context, jint n, jint seq_total) {
    struct llama_batch *batch = &context->batch;
    int32_t n_vocab = context->model->n_vocab;
    int32_t used = 0;
    for (jint i = 0; i < n; i++) {
        if (batch->token[i] < 0 || batch->token[i] >= n_vocab) {
            arbor_throw_illegal_argument(env, "token %d at batch index %d is outside the vocab [0, %d)",
                                         batch->token[i], i, n_vocab);
            return 0;
        }
        int32_t count = context->scratch_n_seq[i];
        if (count < 1 || count > context->n_seq_max || used + count > seq_total) {
            arbor_throw_illegal_argument(env, "batch index %d has %d seq ids (1..%d allowed)", i, count,
                                         context->n_seq_max);
            return 0;
        }
        for (int32_t j = 0; j < count; j++) {
            int32_t seq = context->scratch_seq[used + j];
            if (seq < 0 || seq >= context->n_seq_max) {
                arbor_throw_illegal_argument(env, "seq id %d at batch index %d is outside [0, %d)", seq, i,
                                             context->n_seq_max);
                return 0;
            }
            batch->seq_id[i][j] = seq;
        }
        batch->n_seq_id[i] = count;
        used += count;
    }
    return 1;
}

JNIEXPORT jint JNICALL Java_dev_arbor_llama_LlamaNative_decode(JNIEnv *env, jclass cls, jlong handle, jint n,
                                                               jintArray tokens, jintArray positions,
                                                               jintArray seq_counts, jintArray seq_ids,
                                                               jbyteArray wants_logits) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return -1;
    }
    if (n < 1 || n > context->n_batch) {
        arbor_throw_illegal_argument(env, "batch of %d entries: 1..%d (nBatch) allowed", n, context->n_batch);
        return -1;
    }
    if (tokens == NULL || positions == NULL || seq_counts == NULL || seq_ids == NULL || wants_logits == NULL
        || (*env)->GetArrayLength(env, tokens) < n || (*env)->GetArrayLength(env, positions) < n
        || (*env)->GetArrayLength(env, seq_counts) < n || (*env)->GetArrayLength(env, wants_logits) < n) {
        arbor_throw_illegal_argument(env, "batch arrays are shorter than %d entries", n);
        return -1;
    }
    jint seq_total = (*env)->GetArrayLength(env, seq_ids);
    jint seq_capacity = context->n_batch * context->n_seq_max;
    if (seq_total > seq_capacity) {
        seq_total = seq_capacity;
    }
    struct llama_batch *batch = &context->batch;
    (*env)->GetIntArrayRegion(env, tokens, 0, n, batch->token);
    (*env)->GetIntArrayRegion(env, positions, 0, n, batch->pos);
    (*env)->GetByteArrayRegion(env, wants_logits, 0, n, (jbyte *) batch->logits);
    (*env)->GetIntArrayRegion(env, seq_counts, 0, n, context->scratch_n_seq);
    (*env)->GetIntArrayRegion(env, seq_ids, 0, seq_total, context->scratch_seq);
    context->logits_valid = 0;
    if (!validate_batch(env, context, n, seq_total)) {
        return -1;
    }
    batch->n_tokens = n;
    int64_t start = now_nanos();
    int32_t status = arbor_llama.llama_decode(context->ctx, *batch);
    context->decode_nanos += now_nanos() - start;
    context->decode_calls++;
    context->logits_valid = status == 0;
    return status;
}

/* Finds the logits row of batch entry i, or throws. */
static const float *logits_row(JNIEnv *env, arbor_context *context, jint i) {
    if (!context->logits_valid) {
        arbor_throw_illegal_state(env, "no logits: the last decode did not succeed");
        return NULL;
    }
    if (i < 0 || i >= context->batch.n_tokens || !context->batch.logits[i]) {
        arbor_throw_illegal_argument(env, "batch index %d did not ask for logits", i);
        return NULL;
    }
    const float *row = arbor_llama.llama_get_logits_ith(context->ctx, i);
    if (row == NULL) {
        arbor_throw_llama(env, "llama.cpp has no logits for batch index %d", i);
    }
    return row;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_logitsCopy(JNIEnv *env, jclass cls, jlong handle, jint i,
                                                                   jfloatArray dst) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return;
    }
    int32_t n_vocab = context->model->n_vocab;
    if (dst == NULL || (*env)->GetArrayLength(env, dst) < n_vocab) {
        arbor_throw_illegal_argument(env, "destination must hold nVocab (%d) floats", n_vocab);
        return;
    }
    const float *row = logits_row(env, context, i);
    if (row != NULL) {
        (*env)->SetFloatArrayRegion(env, dst, 0, n_vocab, row);
    }
}

/*
 * Copies the row like logitsCopy and summarizes it (max, first argmax, log-sum-exp) over llama.cpp's
 * own buffer while the row is still in cache: `summary` receives { max, argmax, logSumExp }.
 */
JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_logitsCopySummarized(JNIEnv *env, jclass cls, jlong handle,
                                                                             jint i, jfloatArray dst,
                                                                             jdoubleArray summary) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return;
    }
    int32_t n_vocab = context->model->n_vocab;
    if (dst == NULL || (*env)->GetArrayLength(env, dst) < n_vocab) {
        arbor_throw_illegal_argument(env, "destination must hold nVocab (%d) floats", n_vocab);
        return;
    }
    if (summary == NULL || (*env)->GetArrayLength(env, summary) < 3) {
        arbor_throw_illegal_argument(env, "summary must hold 3 doubles");
        return;
    }
    const float *row = logits_row(env, context, i);
    if (row == NULL) {
        return;
    }
    /* The copy happens inside the first summarizing pass: the row is read from llama.cpp's buffer once. */
    float *copy = (*env)->GetPrimitiveArrayCritical(env, dst, NULL);
    if (copy == NULL) {
        return;
    }
    arbor_row_summary stats;
    arbor_row_copy_summarize(row, copy, n_vocab, &stats);
    (*env)->ReleasePrimitiveArrayCritical(env, dst, copy, 0);
    jdouble values[3] = { stats.max, stats.argmax, stats.log_sum_exp };
    (*env)->SetDoubleArrayRegion(env, summary, 0, 3, values);
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_logitsCopyDirect(JNIEnv *env, jclass cls, jlong handle, jint i,
                                                                         jobject dst) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return;
    }
    int32_t n_vocab = context->model->n_vocab;
    void *address = dst == NULL ? NULL : (*env)->GetDirectBufferAddress(env, dst);
    if (address == NULL || (*env)->GetDirectBufferCapacity(env, dst) < (jlong) n_vocab * 4) {
        arbor_throw_illegal_argument(env, "destination must be a direct buffer of nVocab (%d) floats", n_vocab);
        return;
    }
    const float *row = logits_row(env, context, i);
    if (row != NULL) {
        memcpy(address, row, sizeof(float) * (size_t) n_vocab);
    }
}

/* Total nanoseconds inside llama_decode and the number of calls, for metrics and benchmarks. */
JNIEXPORT jlongArray JNICALL Java_dev_arbor_llama_LlamaNative_decodeTimings(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return NULL;
    }
    jlong values[2] = { context->decode_nanos, context->decode_calls };
    jlongArray out = (*env)->NewLongArray(env, 2);
    if (out != NULL) {
        (*env)->SetLongArrayRegion(env, out, 0, 2, values);
    }
    return out;
}

static int check_seq(JNIEnv *env, const arbor_context *context, jint seq) {
    if (seq < 0 || seq >= context->n_seq_max) {
        arbor_throw_illegal_argument(env, "seq id %d is outside [0, %d)", seq, context->n_seq_max);
        return 0;
    }
    return 1;
}

static int check_range(JNIEnv *env, jint p0, jint p1) {
    if (p0 < -1 || p1 < -1) {
        arbor_throw_illegal_argument(env, "positions must be >= 0, or -1 for open ends (p0 %d, p1 %d)", p0, p1);
        return 0;
    }
    return 1;
}

JNIEXPORT jboolean JNICALL Java_dev_arbor_llama_LlamaNative_seqRemove(JNIEnv *env, jclass cls, jlong handle, jint seq,
                                                                      jint p0, jint p1) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || (seq != -1 && !check_seq(env, context, seq)) || !check_range(env, p0, p1)) {
        return JNI_FALSE;
    }
    return arbor_llama.llama_memory_seq_rm(context->memory, seq, p0, p1) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_seqCopy(JNIEnv *env, jclass cls, jlong handle, jint src,
                                                                jint dst, jint p0, jint p1) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || !check_seq(env, context, src) || !check_seq(env, context, dst)
        || !check_range(env, p0, p1)) {
        return;
    }
    if (!context->kv_unified && src != dst && (p0 > 0 || p1 >= 0)) {
        /* llama.cpp aborts the process on a partial copy between per-sequence streams. */
        arbor_throw_illegal_argument(env, "with per-sequence KV streams (kvUnified false) only a whole sequence "
                                     "can be copied (p0 -1 or 0, p1 -1), not [%d, %d)", p0, p1);
        return;
    }
    arbor_llama.llama_memory_seq_cp(context->memory, src, dst, p0, p1);
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_seqKeep(JNIEnv *env, jclass cls, jlong handle, jint seq) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || !check_seq(env, context, seq)) {
        return;
    }
    arbor_llama.llama_memory_seq_keep(context->memory, seq);
}

/* The lowest and highest position of a sequence's cells: {-1, -1} when it has none. */
JNIEXPORT jintArray JNICALL Java_dev_arbor_llama_LlamaNative_seqPositions(JNIEnv *env, jclass cls, jlong handle,
                                                                          jint seq) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || !check_seq(env, context, seq)) {
        return NULL;
    }
    jint range[2] = {
        arbor_llama.llama_memory_seq_pos_min(context->memory, seq),
        arbor_llama.llama_memory_seq_pos_max(context->memory, seq),
    };
    jintArray out = (*env)->NewIntArray(env, 2);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, 2, range);
    }
    return out;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_kvClear(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context != NULL) {
        arbor_llama.llama_memory_clear(context->memory, true);
    }
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_setThreads(JNIEnv *env, jclass cls, jlong handle, jint threads) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL) {
        return;
    }
    if (threads < 1 || threads > context->threads_max) {
        /* An attached pool cannot grow: ggml would warn and use its size. */
        arbor_throw_illegal_argument(env, "threads must be 1..%d (the context's pool), was %d", context->threads_max,
                                     threads);
        return;
    }
    arbor_llama.llama_set_n_threads(context->ctx, threads, threads);
}

/*
 * Sequence states. `flags` are llama.cpp's LLAMA_STATE_SEQ_FLAGS_*: 0 for a whole sequence, 1
 * (PARTIAL_ONLY) for only its sliding-window and recurrent parts, the part a decode overwrites.
 */
static int check_state_flags(JNIEnv *env, jint flags) {
    if (flags != 0 && flags != LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY) {
        arbor_throw_illegal_argument(env, "state flags must be 0 or %d (partial), was %d",
                                     LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY, flags);
        return 0;
    }
    return 1;
}

/* Bytes llama_state_seq_get_data_ext would write for a sequence, or for the whole cache with seq -1. */
JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_stateSize(JNIEnv *env, jclass cls, jlong handle, jint seq,
                                                                   jint flags) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || (seq != -1 && !check_seq(env, context, seq)) || !check_state_flags(env, flags)) {
        return -1;
    }
    return (jlong) arbor_llama.llama_state_seq_get_size_ext(context->ctx, seq, (llama_state_seq_flags) flags);
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_stateSave(JNIEnv *env, jclass cls, jlong handle, jint seq,
                                                                        jint flags) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || (seq != -1 && !check_seq(env, context, seq)) || !check_state_flags(env, flags)) {
        return NULL;
    }
    size_t size = arbor_llama.llama_state_seq_get_size_ext(context->ctx, seq, (llama_state_seq_flags) flags);
    if (size > (size_t) 0x7fffffff - 8) {
        arbor_throw_llama(env, "state of seq %d is too large for a Java array (%zu bytes)", seq, size);
        return NULL;
    }
    uint8_t *data = malloc(size == 0 ? 1 : size);
    if (data == NULL) {
        arbor_throw_oom(env, "state buffer");
        return NULL;
    }
    size_t written = arbor_llama.llama_state_seq_get_data_ext(context->ctx, data, size, seq,
                                                               (llama_state_seq_flags) flags);
    jbyteArray out = written == size ? arbor_new_bytes(env, (const char *) data, (jsize) size) : NULL;
    free(data);
    if (written != size) {
        arbor_throw_llama(env, "llama_state_seq_get_data_ext wrote %zu of %zu bytes", written, size);
    }
    return out;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_stateRestore(JNIEnv *env, jclass cls, jlong handle,
                                                                     jbyteArray state, jint seq, jint flags) {
    (void) cls;
    arbor_context *context = arbor_context_from(env, handle);
    if (context == NULL || !check_seq(env, context, seq) || !check_state_flags(env, flags)) {
        return;
    }
    if (state == NULL) {
        arbor_throw_illegal_argument(env, "state must not be null");
        return;
    }
    jsize size = (*env)->GetArrayLength(env, state);
    jbyte *data = (*env)->GetByteArrayElements(env, state, NULL);
    if (data == NULL) {
        return;
    }
    size_t read = arbor_llama.llama_state_seq_set_data_ext(context->ctx, (const uint8_t *) data, (size_t) size, seq,
                                                           (llama_state_seq_flags) flags);
    (*env)->ReleaseByteArrayElements(env, state, data, JNI_ABORT);
    if (read == 0) {
        arbor_throw_llama(env, "llama_state_seq_set_data_ext rejected the state for seq %d "
                               "(no room in the KV cache, or not a state of this model)", seq);
    }
}
