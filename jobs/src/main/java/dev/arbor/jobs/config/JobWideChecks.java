package dev.arbor.jobs.config;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.grammar.GrammarWitness;
import dev.arbor.grammar.InvalidSchemaException;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.llama.ChatTemplates;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.InvalidGrammarException;
import dev.arbor.llama.LlamaException;
import dev.arbor.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job-wide settings that no record can put right, checked on the client before a job runs, so
 * that a setting that can never work stops the command at once (exit code 2, one line naming the
 * key) instead of failing the job after its restarts or rejecting every record of a long run:
 *
 * <ul>
 *   <li>{@code chat.template}: one of llama.cpp's built-in templates, and it renders a conversation;
 *   <li>{@code search.json-schema}: JSON, and convertible to a grammar (the same conversion the
 *       operator makes);
 *   <li>{@code search.grammar}, or the schema's grammar: some text completes it ({@link GrammarWitness}); and, with the model loaded once here, llama.cpp parses
 *       it and the model can write such a text token by token, or at least start one.
 * </ul>
 *
 * Checks that need llama.cpp are skipped, with a log line, where this client cannot load it or the
 * model (a model on the cluster's file system): the job then finds them as before. Stateless.
 */
@Internal
public final class JobWideChecks {
    private static final Logger LOG = LoggerFactory.getLogger(JobWideChecks.class);

    private JobWideChecks() {}

    /**
     * @param modelFile the model's file on this machine, empty when the client cannot read it
     * @throws ConfigException naming the key of the first setting that can never work
     */
    public static void check(ArborConfig arbor, Optional<Path> modelFile) {
        String template = arbor.get(ArborOptions.CHAT_TEMPLATE);
        if (template != null && !template.isBlank()) {
            checkChatTemplate(template.strip());
        }
        Optional<Constraint> constraint = constraint(arbor);
        if (constraint.isEmpty()) {
            return;
        }
        GrammarWitness witness = GrammarWitness.of(constraint.get().gbnf(), Grammar.DEFAULT_ROOT);
        if (!witness.accepts()) {
            throw new ConfigException(constraint.get().key() + " accepts no text: " + witness.why()
                    + "; every record would fail: fix it, or unset it");
        }
        if (modelFile.isPresent() && Files.isRegularFile(modelFile.get())) {
            withModel(modelFile.get(), constraint.get(), witness);
        } else {
            LOG.info("The model is not on this machine: {} is checked by the job", constraint.get().key());
        }
    }

    /** The job-wide grammar and the key that set it: {@code search.grammar}, or the schema's conversion. */
    private record Constraint(String key, String gbnf) {}

    private static Optional<Constraint> constraint(ArborConfig arbor) {
        String grammar = blankToNull(arbor.get(ArborOptions.GRAMMAR));
        String schema = blankToNull(arbor.get(ArborOptions.JSON_SCHEMA));
        String grammarKey = key(ArborOptions.GRAMMAR.key());
        String schemaKey = key(ArborOptions.JSON_SCHEMA.key());
        if (grammar != null) { // ArborConfig refuses both at once
            return Optional.of(new Constraint(grammarKey + " (--grammar)", grammar));
        }
        if (schema == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Constraint(schemaKey + " (--json-schema)",
                    SchemaToGbnf.convert(schema, arbor.schemaBounds()).text())); // the operator's conversion
        } catch (InvalidSchemaException e) {
            throw new ConfigException("invalid " + schemaKey + " (--json-schema): " + e.getMessage(), e);
        }
    }

    private static void checkChatTemplate(String name) {
        List<String> known;
        try {
            known = ChatTemplates.builtinNames();
        } catch (LlamaException | LinkageError e) {
            LOG.info("llama.cpp cannot be loaded on this client ({}): chat.template is checked by the job",
                    e.getMessage());
            return;
        }
        if (!known.contains(name)) {
            throw new ConfigException("chat.template (--chat-template) '" + name + "' is not one of llama.cpp's "
                    + "built-in chat templates (" + String.join(", ", known) + "); name one of them, or unset it to "
                    + "use the model's own");
        }
        try {
            ChatTemplates.render(name, List.of(new ChatTemplates.Message("user", "Hello")), true);
        } catch (LlamaException e) {
            throw new ConfigException("chat.template (--chat-template) '" + name + "' cannot render a conversation: "
                    + e.getMessage() + "; name another built-in template", e);
        }
    }

    /** Loads the model once and checks the grammar on its vocabulary. */
    private static void withModel(Path file, Constraint constraint, GrammarWitness witness) {
        LlamaModel model;
        try {
            model = LlamaModel.load(file);
        } catch (LlamaException | LinkageError e) {
            LOG.info("The model {} cannot be loaded on this client ({}): {} is checked by the job", file,
                    e.getMessage(), constraint.key());
            return;
        }
        try (model; Grammar grammar = Grammar.parse(model, constraint.gbnf(), Grammar.DEFAULT_ROOT)) {
            if (witness.text().isPresent() && writes(model, grammar, witness.text().get())) {
                return;
            }
            if (!grammar.isComplete() && allowedAtStart(model, grammar) == 0) {
                throw new ConfigException(constraint.key() + " accepts no text this model can write: not one of its "
                        + model.nVocab() + " tokens may start it (are its characters in the model's vocabulary?); "
                        + "every record would fail: fix it, or unset it");
            }
        } catch (InvalidGrammarException e) {
            throw new ConfigException("invalid grammar in " + constraint.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the model can write {@code text} under the grammar: token by token, each the longest
     * token whose text is the next part of {@code text} and that the grammar allows, ending where the
     * grammar is complete. Advances a copy; {@code grammar} stays at its start.
     */
    private static boolean writes(LlamaModel model, Grammar grammar, String text) {
        byte[] rest = text.getBytes(StandardCharsets.UTF_8);
        List<List<byte[]>> piecesByFirstByte = new ArrayList<>();
        List<List<Integer>> tokensByFirstByte = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            piecesByFirstByte.add(new ArrayList<>());
            tokensByFirstByte.add(new ArrayList<>());
        }
        for (int token = 0; token < model.nVocab(); token++) {
            byte[] piece = model.tokenPiece(token);
            if (piece.length > 0 && !model.isEndOfGeneration(token)) {
                piecesByFirstByte.get(piece[0] & 0xff).add(piece);
                tokensByFirstByte.get(piece[0] & 0xff).add(token);
            }
        }
        try (Grammar state = grammar.copy()) {
            int at = 0;
            while (at < rest.length) {
                int best = -1;
                int bestLength = 0;
                List<byte[]> pieces = piecesByFirstByte.get(rest[at] & 0xff);
                for (int i = 0; i < pieces.size(); i++) {
                    byte[] piece = pieces.get(i);
                    int token = tokensByFirstByte.get(rest[at] & 0xff).get(i);
                    if (piece.length > bestLength && startsWith(rest, at, piece) && state.allows(token)) {
                        best = token;
                        bestLength = piece.length;
                    }
                }
                if (best < 0) {
                    return false;
                }
                state.accept(best);
                at += bestLength;
            }
            return state.isComplete();
        }
    }

    private static boolean startsWith(byte[] text, int at, byte[] piece) {
        return at + piece.length <= text.length && Arrays.equals(text, at, at + piece.length, piece, 0, piece.length);
    }

    private static int allowedAtStart(LlamaModel model, Grammar grammar) {
        return grammar.mask(new float[model.nVocab()]);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String key(String fullKey) {
        return ConfigLoader.userKey(fullKey);
    }
}
