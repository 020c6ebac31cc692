#include "jni_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void throw_formatted(JNIEnv *env, const char *class_name, const char *fmt, va_list args) {
    char message[512];
    vsnprintf(message, sizeof message, fmt, args);
    jclass type = (*env)->FindClass(env, class_name);
    if (type != NULL) {
        (*env)->ThrowNew(env, type, message);
    }
}

void arbor_throw_illegal_argument(JNIEnv *env, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted(env, "java/lang/IllegalArgumentException", fmt, args);
    va_end(args);
}

void arbor_throw_illegal_state(JNIEnv *env, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted(env, "java/lang/IllegalStateException", fmt, args);
    va_end(args);
}

void arbor_throw_llama(JNIEnv *env, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    throw_formatted(env, "dev/arbor/llama/LlamaException", fmt, args);
    va_end(args);
}

void arbor_throw_oom(JNIEnv *env, const char *what) {
    jclass type = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (type != NULL) {
        (*env)->ThrowNew(env, type, what);
    }
}

arbor_model *arbor_model_from(JNIEnv *env, jlong handle) {
    if (handle == 0) {
        arbor_throw_illegal_state(env, "model is closed");
        return NULL;
    }
    return (arbor_model *) (intptr_t) handle;
}

arbor_context *arbor_context_from(JNIEnv *env, jlong handle) {
    if (handle == 0) {
        arbor_throw_illegal_state(env, "context is closed");
        return NULL;
    }
    return (arbor_context *) (intptr_t) handle;
}

char *arbor_copy_cstring(JNIEnv *env, jbyteArray bytes, jsize *length_out) {
    if (bytes == NULL) {
        arbor_throw_illegal_argument(env, "text must not be null");
        return NULL;
    }
    jsize length = (*env)->GetArrayLength(env, bytes);
    char *copy = malloc((size_t) length + 1);
    if (copy == NULL) {
        arbor_throw_oom(env, "native text buffer");
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, bytes, 0, length, (jbyte *) copy);
    copy[length] = '\0';
    if (length_out != NULL) {
        *length_out = length;
    }
    return copy;
}

jbyteArray arbor_new_bytes(JNIEnv *env, const char *data, jsize length) {
    jbyteArray out = (*env)->NewByteArray(env, length);
    if (out != NULL && length > 0) {
        (*env)->SetByteArrayRegion(env, out, 0, length, (const jbyte *) data);
    }
    return out;
}
