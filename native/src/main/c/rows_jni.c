/*
 * The row loops of rows.c over a Java float[] (a branch's logits row after a grammar masked it, a
 * beam's candidates): the array is read in place in a critical region, without a copy, and the
 * region holds no other JNI call.
 */
#include <stdlib.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"
#include "rows.h"

/* `summary` receives { max, argmax, logSumExp } of the whole array. */
JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_rowSummarize(JNIEnv *env, jclass cls, jfloatArray row,
                                                                     jdoubleArray summary) {
    (void) cls;
    if (row == NULL || summary == NULL || (*env)->GetArrayLength(env, summary) < 3) {
        arbor_throw_illegal_argument(env, "a row and a summary of 3 doubles are needed");
        return;
    }
    jsize n = (*env)->GetArrayLength(env, row);
    float *values = (*env)->GetPrimitiveArrayCritical(env, row, NULL);
    if (values == NULL) {
        return;
    }
    arbor_row_summary stats;
    arbor_row_summarize(values, n, &stats);
    (*env)->ReleasePrimitiveArrayCritical(env, row, values, JNI_ABORT);
    jdouble out[3] = { stats.max, stats.argmax, stats.log_sum_exp };
    (*env)->SetDoubleArrayRegion(env, summary, 0, 3, out);
}

/* The k best entries of the row into `ids` (see arbor_row_top_k); returns how many. */
JNIEXPORT jint JNICALL Java_dev_arbor_llama_LlamaNative_rowTopK(JNIEnv *env, jclass cls, jfloatArray row, jint k,
                                                                jboolean skip_banned, jintArray ids) {
    (void) cls;
    if (row == NULL || ids == NULL || k < 0 || (*env)->GetArrayLength(env, ids) < k) {
        arbor_throw_illegal_argument(env, "ids must hold k (%d) entries", k);
        return -1;
    }
    if (k == 0) {
        return 0;
    }
    /* Beam search asks for 2 x width: the stack holds that for any width a context allows. */
    int32_t stack_ids[2 * ARBOR_MAX_SEQ];
    float stack_values[2 * ARBOR_MAX_SEQ];
    int on_heap = k > 2 * ARBOR_MAX_SEQ;
    int32_t *best = on_heap ? malloc(sizeof(int32_t) * (size_t) k) : stack_ids;
    float *best_values = on_heap ? malloc(sizeof(float) * (size_t) k) : stack_values;
    if (best == NULL || best_values == NULL) {
        if (on_heap) {
            free(best);
            free(best_values);
        }
        arbor_throw_oom(env, "top-k buffers");
        return -1;
    }
    jsize n = (*env)->GetArrayLength(env, row);
    float *values = (*env)->GetPrimitiveArrayCritical(env, row, NULL);
    if (values == NULL) {
        if (on_heap) {
            free(best);
            free(best_values);
        }
        return -1;
    }
    int32_t count = arbor_row_top_k(values, n, k, skip_banned == JNI_TRUE, best, best_values);
    (*env)->ReleasePrimitiveArrayCritical(env, row, values, JNI_ABORT);
    (*env)->SetIntArrayRegion(env, ids, 0, count, best);
    if (on_heap) {
        free(best);
        free(best_values);
    }
    return count;
}
