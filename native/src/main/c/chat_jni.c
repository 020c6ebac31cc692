/*
 * Chat templates: the model's own template (GGUF metadata), rendering messages through llama.cpp's
 * template support (its built-in templates, matched by name or recognised from a model's Jinja
 * text), and the names of the built-in ones.
 */
#include <stdlib.h>
#include <string.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"

JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_modelChatTemplate(JNIEnv *env, jclass cls,
                                                                                jlong model_handle, jbyteArray name) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    if (model == NULL) {
        return NULL;
    }
    char *which = name == NULL ? NULL : arbor_copy_cstring(env, name, NULL);
    if (name != NULL && which == NULL) {
        return NULL;
    }
    const char *text = arbor_llama.llama_model_chat_template(model->model, which);
    free(which);
    return text == NULL ? NULL : arbor_new_bytes(env, text, (jsize) strlen(text));
}

/* Frees the strings of messages 0..n-1 (NULL entries allowed). */
static void free_messages(struct llama_chat_message *messages, jsize n) {
    for (jsize i = 0; i < n; i++) {
        free((char *) messages[i].role);
        free((char *) messages[i].content);
    }
    free(messages);
}

/*
 * Renders messages with a template (a built-in name or a model's template text). Returns the
 * UTF-8 prompt, or throws LlamaException when llama.cpp does not support the template.
 */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_chatApplyTemplate(JNIEnv *env, jclass cls,
                                                                                jbyteArray template_text,
                                                                                jobjectArray roles,
                                                                                jobjectArray contents,
                                                                                jboolean add_assistant) {
    (void) cls;
    if (roles == NULL || contents == NULL
        || (*env)->GetArrayLength(env, roles) != (*env)->GetArrayLength(env, contents)) {
        arbor_throw_illegal_argument(env, "roles and contents must be arrays of the same length");
        return NULL;
    }
    jsize n = (*env)->GetArrayLength(env, roles);
    char *tmpl = arbor_copy_cstring(env, template_text, NULL);
    struct llama_chat_message *messages = calloc((size_t) n + 1, sizeof *messages);
    if (tmpl == NULL || messages == NULL) {
        free(tmpl);
        free(messages);
        if (!(*env)->ExceptionCheck(env)) {
            arbor_throw_oom(env, "chat messages");
        }
        return NULL;
    }
    size_t total = strlen(tmpl) + 64;
    for (jsize i = 0; i < n; i++) {
        jbyteArray role = (jbyteArray) (*env)->GetObjectArrayElement(env, roles, i);
        jbyteArray content = (jbyteArray) (*env)->GetObjectArrayElement(env, contents, i);
        jsize content_length = 0;
        messages[i].role = arbor_copy_cstring(env, role, NULL);
        messages[i].content = messages[i].role == NULL ? NULL : arbor_copy_cstring(env, content, &content_length);
        (*env)->DeleteLocalRef(env, role);
        (*env)->DeleteLocalRef(env, content);
        if (messages[i].content == NULL) {
            free_messages(messages, i + 1);
            free(tmpl);
            return NULL;
        }
        total += strlen(messages[i].role) + (size_t) content_length + 64;
    }
    char *out = malloc(total);
    int32_t length = out == NULL ? -1
        : arbor_llama.llama_chat_apply_template(tmpl, messages, (size_t) n, add_assistant == JNI_TRUE, out, (int32_t) total);
    if (out != NULL && length > (int32_t) total) {
        char *bigger = realloc(out, (size_t) length + 1);
        if (bigger == NULL) {
            free(out);
        }
        out = bigger;
        length = out == NULL ? -1
            : arbor_llama.llama_chat_apply_template(tmpl, messages, (size_t) n, add_assistant == JNI_TRUE, out,
                                                    length + 1);
    }
    free_messages(messages, n);
    free(tmpl);
    jbyteArray result = NULL;
    if (out == NULL) {
        arbor_throw_oom(env, "rendered chat prompt");
    } else if (length < 0) {
        arbor_throw_llama(env, "llama.cpp does not support this chat template");
    } else {
        result = arbor_new_bytes(env, out, length);
    }
    free(out);
    return result;
}

/* The names of llama.cpp's built-in chat templates, one per line. */
JNIEXPORT jbyteArray JNICALL Java_dev_arbor_llama_LlamaNative_chatBuiltinTemplates(JNIEnv *env, jclass cls) {
    (void) cls;
    int32_t n = arbor_llama.llama_chat_builtin_templates(NULL, 0);
    const char **names = calloc((size_t) (n > 0 ? n : 1), sizeof *names);
    if (names == NULL) {
        arbor_throw_oom(env, "template names");
        return NULL;
    }
    arbor_llama.llama_chat_builtin_templates(names, (size_t) n);
    size_t total = 0;
    for (int32_t i = 0; i < n; i++) {
        total += strlen(names[i]) + 1;
    }
    char *text = malloc(total + 1);
    size_t at = 0;
    for (int32_t i = 0; text != NULL && i < n; i++) {
        size_t length = strlen(names[i]);
        memcpy(text + at, names[i], length);
        text[at + length] = '\n';
        at += length + 1;
    }
    free(names);
    if (text == NULL) {
        arbor_throw_oom(env, "template names");
        return NULL;
    }
    jbyteArray out = arbor_new_bytes(env, text, (jsize) at);
    free(text);
    return out;
}
