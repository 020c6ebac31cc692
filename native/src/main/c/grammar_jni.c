/*
 * Grammar states: llama.cpp's GBNF grammar sampler, one per branch. A state masks a logits row
 * (tokens the grammar does not allow get -inf) and advances by the tokens a branch commits;
 * cloning it is how a fork inherits it. llama.cpp aborts the process when a state is advanced by a
 * token it does not allow (an end-of-generation token before the grammar is complete), so accept
 * checks the token against the state first and throws instead.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "dev_arbor_llama_LlamaNative.h"
#include "jni_util.h"

/* One grammar state, the model whose vocabulary it masks rows of, and that vocabulary's size. */
typedef struct {
    struct llama_sampler *sampler;
    arbor_model *model;
    int32_t n_vocab;
} arbor_grammar;

/*
 * What the grammar sampler will read of each token, for ruling tokens out before asking it: the
 * piece's first byte when it is ASCII (-1 for end-of-generation tokens, empty pieces and pieces that
 * start with a NUL or a non-ASCII byte: llama.cpp decides those), and for each ASCII byte a token
 * whose whole piece is that byte (-1: none). Built once per model from llama_token_to_piece with
 * special tokens rendered, which is the piece cache llama.cpp's grammar reads.
 */
struct arbor_piece_index {
    int16_t *first_byte;
    int32_t probe[128];
};

static struct arbor_piece_index *build_piece_index(const arbor_model *model) {
    struct arbor_piece_index *index = malloc(sizeof *index);
    int16_t *first = index == NULL ? NULL : malloc(sizeof(int16_t) * (size_t) model->n_vocab);
    if (first == NULL) {
        free(index);
        return NULL;
    }
    index->first_byte = first;
    for (int c = 0; c < 128; c++) {
        index->probe[c] = -1;
    }
    char piece[256];
    for (llama_token t = 0; t < model->n_vocab; t++) {
        int32_t n = arbor_llama.llama_token_to_piece(model->vocab, t, piece, sizeof piece, 0, true);
        /* n < 0: the piece did not fit and nothing was written; llama.cpp decides such a token. */
        unsigned char lead = n > 0 ? (unsigned char) piece[0] : 0;
        int known = lead != 0 && lead < 128 && !arbor_llama.llama_vocab_is_eog(model->vocab, t);
        first[t] = known ? (int16_t) lead : -1;
        if (known && n == 1 && index->probe[lead] < 0) {
            index->probe[lead] = t;
        }
    }
    return index;
}

/* The model's piece index, built by the first grammar that needs it (two racing threads: one wins). */
static const struct arbor_piece_index *piece_index(arbor_model *model) {
    struct arbor_piece_index *index = atomic_load(&model->piece_index);
    if (index == NULL) {
        struct arbor_piece_index *built = build_piece_index(model);
        if (built == NULL) {
            return NULL;
        }
        struct arbor_piece_index *expected = NULL;
        if (atomic_compare_exchange_strong(&model->piece_index, &expected, built)) {
            index = built;
        } else {
            free(built->first_byte);
            free(built);
            index = expected;
        }
    }
    return index;
}

void arbor_grammar_model_free(arbor_model *model) {
    struct arbor_piece_index *index = atomic_exchange(&model->piece_index, NULL);
    if (index != NULL) {
        free(index->first_byte);
        free(index);
    }
}

/* Candidate buffer reused by the calls of one thread (an engine thread masks many rows per step). */
static _Thread_local llama_token_data *scratch;
static _Thread_local size_t scratch_size;

static llama_token_data *candidates(JNIEnv *env, size_t n) {
    if (n > scratch_size) {
        llama_token_data *bigger = realloc(scratch, n * sizeof *bigger);
        if (bigger == NULL) {
            arbor_throw_oom(env, "grammar candidates");
            return NULL;
        }
        scratch = bigger;
        scratch_size = n;
    }
    return scratch;
}

static arbor_grammar *grammar_from(JNIEnv *env, jlong handle) {
    if (handle == 0) {
        arbor_throw_illegal_state(env, "grammar state is released");
        return NULL;
    }
    return (arbor_grammar *) (intptr_t) handle;
}

static jlong wrap(JNIEnv *env, struct llama_sampler *sampler, arbor_model *model) {
    arbor_grammar *grammar = malloc(sizeof *grammar);
    if (grammar == NULL) {
        arbor_llama.llama_sampler_free(sampler);
        arbor_throw_oom(env, "grammar state");
        return 0;
    }
    grammar->sampler = sampler;
    grammar->model = model;
    grammar->n_vocab = model->n_vocab;
    return (jlong) (intptr_t) grammar;
}

/* Parses GBNF text for a model's vocabulary; 0 when llama.cpp rejects it (its reason went to the log). */
JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_grammarInit(JNIEnv *env, jclass cls, jlong model_handle,
                                                                     jbyteArray text, jbyteArray root) {
    (void) cls;
    arbor_model *model = arbor_model_from(env, model_handle);
    char *grammar = model == NULL ? NULL : arbor_copy_cstring(env, text, NULL);
    char *start = grammar == NULL ? NULL : arbor_copy_cstring(env, root, NULL);
    if (start == NULL) {
        free(grammar);
        return 0;
    }
    struct llama_sampler *sampler = arbor_llama.llama_sampler_init_grammar(model->vocab, grammar, start);
    free(grammar);
    free(start);
    return sampler == NULL ? 0 : wrap(env, sampler, model);
}

JNIEXPORT jlong JNICALL Java_dev_arbor_llama_LlamaNative_grammarClone(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return 0;
    }
    struct llama_sampler *copy = arbor_llama.llama_sampler_clone(grammar->sampler);
    if (copy == NULL) {
        arbor_throw_llama(env, "llama.cpp could not clone a grammar state");
        return 0;
    }
    return wrap(env, copy, grammar->model);
}

JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_grammarFree(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar != NULL) {
        arbor_llama.llama_sampler_free(grammar->sampler);
        free(grammar);
    }
}

/* Sets every logit the grammar does not allow to -inf; returns how many tokens stay allowed. */
JNIEXPORT jint JNICALL Java_dev_arbor_llama_LlamaNative_grammarMask(JNIEnv *env, jclass cls, jlong handle,
                                                                    jfloatArray logits) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return -1;
    }
    if (logits == NULL || (*env)->GetArrayLength(env, logits) != grammar->n_vocab) {
        arbor_throw_illegal_argument(env, "logits must hold nVocab (%d) floats", grammar->n_vocab);
        return -1;
    }
    llama_token_data *data = candidates(env, (size_t) grammar->n_vocab);
    if (data == NULL) {
        return -1;
    }
    float *row = (*env)->GetFloatArrayElements(env, logits, NULL);
    if (row == NULL) {
        return -1;
    }
    for (int32_t i = 0; i < grammar->n_vocab; i++) {
        data[i].id = i;
        data[i].logit = row[i];
        data[i].p = 0.0f;
    }
    llama_token_data_array array = { data, (size_t) grammar->n_vocab, -1, false };
    arbor_llama.llama_sampler_apply(grammar->sampler, &array);
    jint allowed = 0;
    for (size_t i = 0; i < array.size; i++) {
        if (isinf(array.data[i].logit) && array.data[i].logit < 0) {
            row[array.data[i].id] = -INFINITY;
        } else {
            allowed++;
        }
    }
    (*env)->ReleaseFloatArrayElements(env, logits, row, 0);
    return allowed;
}

/*
 * The ASCII first bytes no token may start with in this state: llama.cpp's verdict on the tokens that
 * are exactly one such byte. A token whose first byte no stack accepts is refused whatever follows,
 * so the rest of its piece never matters (sound only when no partial UTF-8 character is pending,
 * which the caller knows).
 */
static void refused_first_bytes(arbor_grammar *grammar, const struct arbor_piece_index *index, bool refused[128]) {
    llama_token_data probes[128];
    size_t n = 0;
    for (int c = 1; c < 128; c++) {
        refused[c] = false;
        if (index->probe[c] >= 0) {
            probes[n++] = (llama_token_data) { index->probe[c], 0.0f, 0.0f };
        }
    }
    refused[0] = false;
    llama_token_data_array array = { probes, n, -1, false };
    arbor_llama.llama_sampler_apply(grammar->sampler, &array);
    for (size_t i = 0; i < array.size; i++) {
        if (isinf(array.data[i].logit) && array.data[i].logit < 0) {
            for (int c = 1; c < 128; c++) {
                refused[c] = refused[c] || index->probe[c] == array.data[i].id;
            }
        }
    }
}

/*
 * The grammar's verdict on the whole vocabulary: sets bit t of `bits` (a long[] of ceil(n_vocab / 64)
 * words, cleared first) for every token t it allows next; returns how many. The logits handed to
 * llama.cpp are all 0: its verdict does not depend on them. With `first_byte_filter` (the caller
 * knows that no partial UTF-8 character is pending), tokens whose ASCII first byte the state refuses
 * are left out before llama.cpp checks the rest: at the start of an object or after a key that is
 * most of the vocabulary.
 */
JNIEXPORT jint JNICALL Java_dev_arbor_llama_LlamaNative_grammarAllowed(JNIEnv *env, jclass cls, jlong handle,
                                                                       jlongArray bits, jboolean first_byte_filter) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return -1;
    }
    jsize words = (grammar->n_vocab + 63) / 64;
    if (bits == NULL || (*env)->GetArrayLength(env, bits) != words) {
        arbor_throw_illegal_argument(env, "bits must hold %d words for %d tokens", words, grammar->n_vocab);
        return -1;
    }
    llama_token_data *data = candidates(env, (size_t) grammar->n_vocab);
    if (data == NULL) {
        return -1;
    }
    const struct arbor_piece_index *index = first_byte_filter == JNI_TRUE ? piece_index(grammar->model) : NULL;
    bool refused[128] = { false };
    if (index != NULL) {
        refused_first_bytes(grammar, index, refused);
    }
    size_t n = 0;
    for (int32_t i = 0; i < grammar->n_vocab; i++) {
        if (index != NULL && index->first_byte[i] >= 0 && refused[index->first_byte[i]]) {
            continue;
        }
        data[n++] = (llama_token_data) { i, 0.0f, 0.0f };
    }
    llama_token_data_array array = { data, n, -1, false };
    arbor_llama.llama_sampler_apply(grammar->sampler, &array);
    jlong *out = (*env)->GetLongArrayElements(env, bits, NULL);
    if (out == NULL) {
        return -1;
    }
    memset(out, 0, sizeof(jlong) * (size_t) words);
    jint allowed = 0;
    for (size_t i = 0; i < array.size; i++) {
        if (!(isinf(array.data[i].logit) && array.data[i].logit < 0)) {
            llama_token id = array.data[i].id;
            out[id / 64] |= (jlong) ((uint64_t) 1 << (id % 64));
            allowed++;
        }
    }
    (*env)->ReleaseLongArrayElements(env, bits, out, 0);
    return allowed;
}

/* The grammar's verdict on a few tokens: allowed[i] for tokens[i], in one pass of llama.cpp's sampler. */
JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_grammarCheck(JNIEnv *env, jclass cls, jlong handle,
                                                                     jintArray tokens, jbooleanArray allowed) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return;
    }
    jsize n = tokens == NULL ? -1 : (*env)->GetArrayLength(env, tokens);
    if (n < 0 || allowed == NULL || (*env)->GetArrayLength(env, allowed) < n) {
        arbor_throw_illegal_argument(env, "one verdict per token is needed");
        return;
    }
    llama_token_data *data = candidates(env, (size_t) (n > 0 ? n : 1));
    jint *ids = data == NULL ? NULL : (*env)->GetIntArrayElements(env, tokens, NULL);
    if (ids == NULL) {
        return;
    }
    for (jsize i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= grammar->n_vocab) {
            (*env)->ReleaseIntArrayElements(env, tokens, ids, JNI_ABORT);
            arbor_throw_illegal_argument(env, "token %d is outside the vocab [0, %d)", ids[i], grammar->n_vocab);
            return;
        }
        data[i].id = ids[i];
        data[i].logit = 0.0f;
        data[i].p = 0.0f;
    }
    (*env)->ReleaseIntArrayElements(env, tokens, ids, JNI_ABORT);
    llama_token_data_array array = { data, (size_t) n, -1, false };
    arbor_llama.llama_sampler_apply(grammar->sampler, &array);
    for (jsize i = 0; i < n; i++) {
        jboolean verdict = !(isinf(array.data[i].logit) && array.data[i].logit < 0) ? JNI_TRUE : JNI_FALSE;
        (*env)->SetBooleanArrayRegion(env, allowed, i, 1, &verdict);
    }
}

/* Whether the grammar allows `token` next (false for an end-of-generation token before it is complete). */
static int allows(arbor_grammar *grammar, llama_token token) {
    llama_token_data one = { token, 0.0f, 0.0f };
    llama_token_data_array array = { &one, 1, -1, false };
    arbor_llama.llama_sampler_apply(grammar->sampler, &array);
    return !(isinf(one.logit) && one.logit < 0);
}

JNIEXPORT jboolean JNICALL Java_dev_arbor_llama_LlamaNative_grammarAllows(JNIEnv *env, jclass cls, jlong handle,
                                                                          jint token) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return JNI_FALSE;
    }
    if (token < 0 || token >= grammar->n_vocab) {
        arbor_throw_illegal_argument(env, "token %d is outside the vocab [0, %d)", token, grammar->n_vocab);
        return JNI_FALSE;
    }
    return allows(grammar, token) ? JNI_TRUE : JNI_FALSE;
}

/* Advances the state by `token`; throws (instead of letting llama.cpp abort) when it is not allowed. */
JNIEXPORT void JNICALL Java_dev_arbor_llama_LlamaNative_grammarAccept(JNIEnv *env, jclass cls, jlong handle,
                                                                      jint token) {
    (void) cls;
    arbor_grammar *grammar = grammar_from(env, handle);
    if (grammar == NULL) {
        return;
    }
    if (token < 0 || token >= grammar->n_vocab) {
        arbor_throw_illegal_argument(env, "token %d is outside the vocab [0, %d)", token, grammar->n_vocab);
        return;
    }
    if (!allows(grammar, token)) {
        arbor_throw_illegal_argument(env, "token %d is not allowed by the grammar here", token);
        return;
    }
    arbor_llama.llama_sampler_accept(grammar->sampler, token);
}
