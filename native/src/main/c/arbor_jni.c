/*
 * Library lifecycle: our own JNI_OnLoad / JNI_OnUnload, opening llama.cpp, and routing its log
 * to Java (dev.arbor.llama.LlamaLog, which hands lines to SLF4J).
 */
#include <stdlib.h>
#include <string.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"

static JavaVM *java_vm;
static jclass log_class;          /* global ref to dev.arbor.llama.LlamaLog */
static jmethodID log_method;      /* static void accept(int level, byte[] text) */
static volatile int min_log_level = ARBOR_LOG_WARN;
static _Thread_local int last_log_level = ARBOR_LOG_INFO;
static _Thread_local int kv_slot_failure_seen;

void arbor_kv_slot_failure_reset(void) {
    kv_slot_failure_seen = 0;
}

int arbor_kv_slot_failure_seen(void) {
    return kv_slot_failure_seen;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    java_vm = vm;
    return JNI_VERSION_1_8;
}

static void silent_log(int level, const char *text, void *user_data) {
    (void) level; (void) text; (void) user_data;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void) reserved;
    if (arbor_llama_is_open()) {
        /* Nothing may call back into a JVM that is unloading us. */
        arbor_llama.log_set(silent_log, NULL);
        arbor_llama.ggml_log_set(silent_log, NULL);
        arbor_llama.backend_free();
    }
    JNIEnv *env;
    if (log_class != NULL && (*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) == JNI_OK) {
        (*env)->DeleteGlobalRef(env, log_class);
    }
    log_class = NULL;
}

/* llama.cpp / ggml log callback: may run on any thread, so it attaches when it must. */
static void forward_log(int level, const char *text, void *user_data) {
    (void) user_data;
    int effective = level == ARBOR_LOG_CONT ? last_log_level : level;
    if (level != ARBOR_LOG_CONT) {
        last_log_level = level;
    }
    int slot_line = text != NULL && (strstr(text, "failed to prepare ubatch") != NULL
                                     || strstr(text, "failed to find KV cache slot") != NULL);
    if (slot_line) {
        kv_slot_failure_seen = 1;
    }
    if (slot_line || (kv_slot_failure_seen && text != NULL && strstr(text, "failed to decode") != NULL)) {
        /* A full KV cache is an expected, recoverable outcome (DecodeStatus.NO_KV_SLOT), not an error. */
        effective = ARBOR_LOG_DEBUG;
    }
    if (effective < min_log_level || text == NULL || log_class == NULL) {
        return;
    }
    JNIEnv *env = NULL;
    int attached = 0;
    jint got = (*java_vm)->GetEnv(java_vm, (void **) &env, JNI_VERSION_1_8);
    if (got == JNI_EDETACHED) {
        if ((*java_vm)->AttachCurrentThreadAsDaemon(java_vm, (void **) &env, NULL) != JNI_OK) {
            return;
        }
        attached = 1;
    } else if (got != JNI_OK) {
        return;
    }
    /* A Java exception already pending (we are inside a failing call) must not be disturbed. */
    if (!(*env)->ExceptionCheck(env)) {
        jbyteArray bytes = arbor_new_bytes(env, text, (jsize) strlen(text));
        if (bytes != NULL) {
            (*env)->CallStaticVoidMethod(env, log_class, log_method, (jint) effective, bytes);
            (*env)->DeleteLocalRef(env, bytes);
        }
        if ((*env)->ExceptionCheck(env)) {
            (*env)->ExceptionClear(env);
        }
    }
    if (attached) {
        (*java_vm)->DetachCurrentThread(java_vm);
    }
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_init(JNIEnv *env, jclass cls, jbyteArray path,
                                                              jint log_level) {
    (void) cls;
    min_log_level = log_level;
    if (arbor_llama_is_open()) {
        return;
    }
    jclass local = (*env)->FindClass(env, "dev/arbor/llama/LlamaLog");
    if (local == NULL) {
        return;
    }
    log_method = (*env)->GetStaticMethodID(env, local, "accept", "(I[B)V");
    if (log_method == NULL) {
        return;
    }
    log_class = (*env)->NewGlobalRef(env, local);
    char *library = arbor_copy_cstring(env, path, NULL);
    if (library == NULL) {
        return;
    }
    const char *error = arbor_llama_open(library);
    free(library);
    if (error != NULL) {
        arbor_throw_llama(env, "%s", error);
        return;
    }
    arbor_llama.log_set(forward_log, NULL);
    arbor_llama.ggml_log_set(forward_log, NULL);
    arbor_llama.backend_init();
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_setLogLevel(JNIEnv *env, jclass cls, jint level) {
    (void) env; (void) cls;
    min_log_level = level;
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_systemInfo(JNIEnv *env, jclass cls) {
    (void) cls;
    const char *info = arbor_llama.print_system_info();
    return arbor_new_bytes(env, info, info == NULL ? 0 : (jsize) strlen(info));
}

JNIEXPORT jboolean JNICALL Java_dev_arbor_llama_LlamaNative_supportsGpuOffload(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return arbor_llama.supports_gpu_offload() ? JNI_TRUE : JNI_FALSE;
}
