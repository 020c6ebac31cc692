/* Model loading, metadata and tokenization. A model is immutable once loaded, so these are thread-safe. */
#include <stdlib.h>
#include <string.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"

JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_modelLoad(JNIEnv *env, jclass cls, jbyteArray path,
                                                                   jint n_gpu_layers, jint load_mode) {
    (void) cls;
    char *file = arbor_copy_cstring(env, path, NULL);
    if (file == NULL) {
        return 0;
    }
    arbor_model *handle = calloc(1, sizeof *handle);
    if (handle == NULL) {
        free(file);
        arbor_throw_oom(env, "model handle");
        return 0;
    }
    struct llama_model_params params = arbor_llama.llama_model_default_params();
    params.n_gpu_layers = n_gpu_layers;
    params.load_mode = (enum llama_load_mode) load_mode;
    handle->model = arbor_llama.llama_model_load_from_file(file, params);
    free(file);
    if (handle->model == NULL) {
        free(handle);
        return 0; /* Java builds the message: it knows the path and the last llama.cpp error. */
    }
    handle->vocab = arbor_llama.llama_model_get_vocab(handle->model);
    handle->n_vocab = arbor_llama.llama_vocab_n_tokens(handle->vocab);
    return (jlong) (intptr_t) handle;
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_modelFree(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return;
    }
    arbor_grammar_model_free(model);
    arbor_llama.llama_model_free(model->model);
    free(model);
}

/* nVocab, bos, eos, nCtxTrain, nEmbd, nLayer, addBos in one call: they never change after loading. */
JNIEXPORT jintArray JNICALL Java_dev_arbor_llama_LlamaNative_modelShape(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    jint shape[7] = {
        model->n_vocab,
        arbor_llama.llama_vocab_bos(model->vocab),
        arbor_llama.llama_vocab_eos(model->vocab),
        arbor_llama.llama_model_n_ctx_train(model->model),
        arbor_llama.llama_model_n_embd(model->model),
        arbor_llama.llama_model_n_layer(model->model),
        arbor_llama.llama_vocab_get_add_bos(model->vocab) ? 1 : 0,
    };
    jintArray out = (*env)->NewIntArray(env, 7);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, 7, shape);
    }
    return out;
}

/* How the model keeps its memory: recurrent, hybrid and diffusion flags (1 or 0) and n_swa (0: no window). */
JNIEXPORT jintArray JNICALL Java_dev_arbor_llama_LlamaNative_modelMemory(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    jint facts[4] = {
        arbor_llama.llama_model_is_recurrent(model->model) ? 1 : 0,
        arbor_llama.llama_model_is_hybrid(model->model) ? 1 : 0,
        arbor_llama.llama_model_is_diffusion(model->model) ? 1 : 0,
        arbor_llama.llama_model_n_swa(model->model),
    };
    jintArray out = (*env)->NewIntArray(env, 4);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, 4, facts);
    }
    return out;
}

JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_modelParameterCount(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    return model == NULL ? 0 : (jlong) arbor_llama.llama_model_n_params(model->model);
}

JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_modelSizeBytes(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    return model == NULL ? 0 : (jlong) arbor_llama.llama_model_size(model->model);
}

/* A GGUF metadata value as text (llama.cpp renders numbers and arrays), or NULL when absent. */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_modelMetadata(JNIEnv *env, jclass cls, jlong model_handle,
                                                                            jbyteArray key) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    char *name = model == NULL ? NULL : arbor_copy_cstring(env, key, NULL);
    if (name == NULL) {
        return NULL;
    }
    char small[256];
    int32_t n = arbor_llama.llama_model_meta_val_str(model->model, name, small, sizeof small);
    jbyteArray out = NULL;
    if (n >= 0 && n < (int32_t) sizeof small) {
        out = arbor_new_bytes(env, small, n);
    } else if (n >= 0) {
        char *large = malloc((size_t) n + 1);
        if (large == NULL) {
            arbor_throw_oom(env, "metadata buffer");
        } else {
            arbor_llama.llama_model_meta_val_str(model->model, name, large, (size_t) n + 1);
            out = arbor_new_bytes(env, large, n);
            free(large);
        }
    }
    free(name);
    return out;
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_modelDescription(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    char buffer[256];
    int32_t n = arbor_llama.llama_model_desc(model->model, buffer, sizeof buffer);
    if (n < 0) {
        n = 0;
    }
    if (n >= (int32_t) sizeof buffer) {
        n = (int32_t) sizeof buffer - 1;
    }
    return arbor_new_bytes(env, buffer, n);
}

/* End-of-generation flags for the whole vocab in one call (the Java side caches them). */
JNIEXPORT jbooleanArray JNICALL Java_dev_arbor_llama_LlamaNative_endOfGenerationFlags(JNIEnv *env, jclass cls, jlong model_handle) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    jbooleanArray out = (*env)->NewBooleanArray(env, model->n_vocab);
    if (out == NULL) {
        return NULL;
    }
    jboolean *flags = (*env)->GetBooleanArrayElements(env, out, NULL);
    if (flags == NULL) {
        return NULL;
    }
    for (int32_t token = 0; token < model->n_vocab; token++) {
        flags[token] = arbor_llama.llama_vocab_is_eog(model->vocab, token) ? JNI_TRUE : JNI_FALSE;
    }
    (*env)->ReleaseBooleanArrayElements(env, out, flags, 0);
    return out;
}

JNIEXPORT jintArray JNICALL Java_dev_arbor_llama_LlamaNative_tokenize(JNIEnv *env, jclass cls, jlong model_handle,
                                                                      jbyteArray text, jboolean add_special,
                                                                      jboolean parse_special) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    jsize length;
    char *chars = arbor_copy_cstring(env, text, &length);
    if (chars == NULL) {
        return NULL;
    }
    /* One token per byte plus BOS/EOS is an upper bound; retry with the exact size if not. */
    int32_t capacity = length + 4;
    llama_token *tokens = malloc(sizeof(llama_token) * (size_t) capacity);
    int32_t n = tokens == NULL ? 0
        : arbor_llama.llama_tokenize(model->vocab, chars, length, tokens, capacity, add_special, parse_special);
    if (tokens != NULL && n < 0) {
        capacity = -n;
        llama_token *bigger = realloc(tokens, sizeof(llama_token) * (size_t) capacity);
        if (bigger == NULL) {
            free(tokens);
        }
        tokens = bigger;
        if (bigger != NULL) {
            n = arbor_llama.llama_tokenize(model->vocab, chars, length, tokens, capacity, add_special, parse_special);
        }
    }
    free(chars);
    if (tokens == NULL) {
        arbor_throw_oom(env, "token buffer");
        return NULL;
    }
    if (n < 0) {
        free(tokens);
        arbor_throw_llama(env, "llama_tokenize failed (%d)", n);
        return NULL;
    }
    jintArray out = (*env)->NewIntArray(env, n);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, n, tokens);
    }
    free(tokens);
    return out;
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_tokenPiece(JNIEnv *env, jclass cls, jlong model_handle,
                                                                         jint token, jboolean special) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    if (token < 0 || token >= model->n_vocab) {
        arbor_throw_illegal_argument(env, "token %d is outside the vocab [0, %d)", token, model->n_vocab);
        return NULL;
    }
    char small[64];
    int32_t n = arbor_llama.llama_token_to_piece(model->vocab, token, small, sizeof small, 0, special);
    if (n >= 0) {
        return arbor_new_bytes(env, small, n);
    }
    char *large = malloc((size_t) -n);
    if (large == NULL) {
        arbor_throw_oom(env, "piece buffer");
        return NULL;
    }
    n = arbor_llama.llama_token_to_piece(model->vocab, token, large, -n, 0, special);
    jbyteArray out = n < 0 ? NULL : arbor_new_bytes(env, large, n);
    free(large);
    if (n < 0) {
        arbor_throw_llama(env, "llama_token_to_piece failed (%d)", n);
    }
    return out;
}

/* Reads a Java int[] of tokens after checking each is inside the vocab; caller frees. */
static llama_token *copy_tokens(JNIEnv *env, const arbor_model *model, jintArray tokens, jsize *count) {
    if (tokens == NULL) {
        arbor_throw_illegal_argument(env, "tokens must not be null");
        return NULL;
    }
    *count = (*env)->GetArrayLength(env, tokens);
    llama_token *copy = malloc(sizeof(llama_token) * ((size_t) *count + 1));
    if (copy == NULL) {
        arbor_throw_oom(env, "token buffer");
        return NULL;
    }
    (*env)->GetIntArrayRegion(env, tokens, 0, *count, copy);
    for (jsize i = 0; i < *count; i++) {
        if (copy[i] < 0 || copy[i] >= model->n_vocab) {
            arbor_throw_illegal_argument(env, "token %d at index %d is outside the vocab [0, %d)",
                                         copy[i], i, model->n_vocab);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_detokenize(JNIEnv *env, jclass cls, jlong model_handle,
                                                                         jintArray tokens, jboolean remove_special) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    jsize count;
    llama_token *ids = copy_tokens(env, model, tokens, &count);
    if (ids == NULL) {
        return NULL;
    }
    int32_t capacity = count * 8 + 16;
    char *text = malloc((size_t) capacity);
    int32_t n = text == NULL ? 0
        : arbor_llama.llama_detokenize(model->vocab, ids, count, text, capacity, remove_special, false);
    if (text != NULL && n < 0) {
        capacity = -n;
        char *bigger = realloc(text, (size_t) capacity);
        if (bigger == NULL) {
            free(text);
        }
        text = bigger;
        if (bigger != NULL) {
            n = arbor_llama.llama_detokenize(model->vocab, ids, count, text, capacity, remove_special, false);
        }
    }
    free(ids);
    if (text == NULL) {
        arbor_throw_oom(env, "text buffer");
        return NULL;
    }
    jbyteArray out = n < 0 ? NULL : arbor_new_bytes(env, text, n);
    free(text);
    if (n < 0) {
        arbor_throw_llama(env, "llama_detokenize failed (%d)", n);
    }
    return out;
}
