/*
 * Library lifecycle: our own JNI_OnLoad / JNI_OnUnload, opening llama.cpp and its backends,
 * routing its log to Java (dev.arbor.llama.LlamaLog, which hands lines to SLF4J), and the facts
 * `arbor info` reports (versions, backends, devices).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"

static JavaVM *java_vm;
static jclass log_class;          /* global ref to dev.arbor.llama.LlamaLog */
static jmethodID log_method;      /* static void accept(int level, byte[] text) */
static volatile int min_log_level = GGML_LOG_LEVEL_WARN;
static _Thread_local int last_log_level = GGML_LOG_LEVEL_INFO;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    java_vm = vm;
    return JNI_VERSION_1_8;
}

static void silent_log(enum ggml_log_level level, const char *text, void *user_data) {
    (void) level; (void) text; (void) user_data;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void) reserved;
    if (arbor_llama_is_open()) {
        /* Nothing may call back into a JVM that is unloading us. */
        arbor_llama.llama_log_set(silent_log, NULL);
        arbor_llama.ggml_log_set(silent_log, NULL);
        arbor_llama.llama_backend_free();
    }
    JNIEnv *env;
    if (log_class != NULL && (*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) == JNI_OK) {
        (*env)->DeleteGlobalRef(env, log_class);
    }
    log_class = NULL;
}

/* llama.cpp / ggml log callback: may run on any thread, so it attaches when it must. */
static void forward_log(enum ggml_log_level level, const char *text, void *user_data) {
    (void) user_data;
    int effective = level == GGML_LOG_LEVEL_CONT ? last_log_level : (int) level;
    if (level != GGML_LOG_LEVEL_CONT) {
        last_log_level = level;
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
                                                              jbyteArray backend_dir, jint log_level) {
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
    char *backends = library == NULL ? NULL : arbor_copy_cstring(env, backend_dir, NULL);
    if (backends == NULL) {
        free(library);
        return;
    }
    const char *error = arbor_llama_open(library, backends, forward_log);
    free(library);
    free(backends);
    if (error != NULL) {
        arbor_throw_llama(env, "%s", error);
        return;
    }
    arbor_llama.llama_backend_init();
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_systemInfo(JNIEnv *env, jclass cls) {
    (void) cls;
    const char *info = arbor_llama.llama_print_system_info();
    return arbor_new_bytes(env, info, info == NULL ? 0 : (jsize) strlen(info));
}

JNIEXPORT jboolean JNICALL Java_dev_arbor_llama_LlamaNative_supportsGpuOffload(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return arbor_llama.llama_supports_gpu_offload() ? JNI_TRUE : JNI_FALSE;
}

/* llama_version(), ggml_version(), ggml_commit(), joined by newlines. */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_versions(JNIEnv *env, jclass cls) {
    (void) cls;
    char text[256];
    int n = snprintf(text, sizeof text, "%s\n%s\n%s", arbor_llama.llama_version(), arbor_llama.ggml_version(),
                     arbor_llama.ggml_commit());
    return arbor_new_bytes(env, text, n < 0 ? 0 : (n >= (int) sizeof text ? (int) sizeof text - 1 : n));
}

/*
 * One line per backend device, "name\tdescription\ttype\tfree bytes\ttotal bytes" (type as
 * enum ggml_backend_dev_type), then one line per loaded backend registry, "reg\tname".
 */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_backends(JNIEnv *env, jclass cls) {
    (void) cls;
    size_t capacity = 4096, length = 0;
    char *text = malloc(capacity);
    if (text == NULL) {
        arbor_throw_oom(env, "backend list");
        return NULL;
    }
    text[0] = '\0';
    for (size_t d = 0; d < arbor_llama.ggml_backend_dev_count(); d++) {
        ggml_backend_dev_t dev = arbor_llama.ggml_backend_dev_get(d);
        size_t free_bytes = 0, total_bytes = 0;
        arbor_llama.ggml_backend_dev_memory(dev, &free_bytes, &total_bytes);
        char line[640];
        int n = snprintf(line, sizeof line, "%s\t%s\t%d\t%zu\t%zu\n", arbor_llama.ggml_backend_dev_name(dev),
                         arbor_llama.ggml_backend_dev_description(dev), (int) arbor_llama.ggml_backend_dev_type(dev),
                         free_bytes, total_bytes);
        if (n < 0) {
            continue;
        }
        if ((size_t) n >= sizeof line) {
            n = (int) sizeof line - 1;
        }
        if (length + (size_t) n + 1 > capacity) {
            break; /* thousands of devices: the first ones are enough for a report */
        }
        memcpy(text + length, line, (size_t) n);
        length += (size_t) n;
    }
    for (size_t r = 0; r < arbor_llama.ggml_backend_reg_count(); r++) {
        const char *name = arbor_llama.ggml_backend_reg_name(arbor_llama.ggml_backend_reg_get(r));
        size_t n = strlen(name);
        if (length + n + 6 > capacity) {
            break;
        }
        memcpy(text + length, "reg\t", 4);
        memcpy(text + length + 4, name, n);
        text[length + 4 + n] = '\n';
        length += n + 5;
    }
    jbyteArray out = arbor_new_bytes(env, text, (jsize) length);
    free(text);
    return out;
}

/* dlopen's own answer for a library (RTLD_LAZY, then closed): "" when it loads, else the reason. */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_probeLibrary(JNIEnv *env, jclass cls, jbyteArray path) {
    (void) cls;
    char *file = arbor_copy_cstring(env, path, NULL);
    if (file == NULL) {
        return NULL;
    }
    void *handle = dlopen(file, RTLD_LAZY | RTLD_LOCAL);
    free(file);
    const char *why = handle == NULL ? dlerror() : "";
    jbyteArray out = arbor_new_bytes(env, why == NULL ? "unknown error" : why,
                                     (jsize) strlen(why == NULL ? "unknown error" : why));
    if (handle != NULL) {
        dlclose(handle);
    }
    return out;
}
