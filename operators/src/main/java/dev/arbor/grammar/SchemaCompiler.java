package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a schema document and builds its grammar: dispatches each subschema on its applicators
 * ({@code $ref}, {@code allOf}, {@code anyOf}/{@code oneOf}), then on {@code enum}/{@code const},
 * then on its types, to the rule builders. Each {@code $ref} target becomes one named rule, so
 * recursive schemas give recursive rules. A reference cycle that consumes no character on the way
 * (a schema that is, through references and alternatives, itself) would be a left-recursive
 * grammar that llama.cpp refuses, so it is reported as malformed here. One conversion, one thread.
 */
final class SchemaCompiler {
    private static final Set<String> REF_ONLY = Set.of("$ref");
    private static final Set<String> CHOICES = Set.of("anyOf", "oneOf");

    private final RuleSet rules = new RuleSet();
    private final RefResolver refs;
    private final JsonRules json;
    private final NumberRules numbers;
    private final StringRules strings;
    private final ObjectRules objects;
    private final ArrayRules arrays;
    private final OneOfCheck oneOf;
    /** Rule name of each reference target compiled or being compiled, by location. */
    private final Map<String, String> refRules = new HashMap<>();
    /** Targets entered since the last character the grammar must consume. */
    private Set<String> unconsumed = new HashSet<>();

    SchemaCompiler(JsonNode document, GbnfOptions options) {
        this.refs = new RefResolver(document);
        this.json = new JsonRules(rules, options);
        this.numbers = new NumberRules(json);
        this.strings = new StringRules(json);
        this.objects = new ObjectRules(this, json, rules);
        this.arrays = new ArrayRules(this, json);
        this.oneOf = new OneOfCheck(refs);
    }

    /** The whole document's grammar, with {@code root} its start rule. */
    String compileDocument(JsonNode document) {
        reference(new RefResolver.Target(document, SchemaPath.ROOT), GrammarSource.DEFAULT_ROOT);
        return rules.render(GrammarSource.DEFAULT_ROOT);
    }

    /** A subschema that sits after a consumed character (inside an object or array). */
    Expr inside(JsonNode schema, SchemaPath at, String hint) {
        Set<String> outer = unconsumed;
        unconsumed = new HashSet<>();
        try {
            return compile(schema, at, hint);
        } finally {
            unconsumed = outer;
        }
    }

    Expr compile(JsonNode schema, SchemaPath at, String hint) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new MalformedSchemaException(at.toString(), "the schema 'false' admits no value here");
            }
            return json.value();
        }
        if (!schema.isObject()) {
            throw new MalformedSchemaException(at.toString(), "a schema must be an object or a boolean");
        }
        Keywords.check(schema, at);
        if (schema.has("$ref") && Keywords.onlyAnnotationsBesides(schema, REF_ONLY)) {
            RefResolver.Target target = refs.resolve(schema, at);
            return reference(target, lastSegment(target.path(), hint));
        }
        if (schema.has("$ref") || schema.has("allOf")) {
            return compile(SchemaMerger.merge(List.of(schema), refs, at), at, hint);
        }
        if (schema.has("anyOf") || schema.has("oneOf")) {
            return choice(schema, at, hint);
        }
        if (schema.has("enum") || schema.has("const")) {
            return EnumRules.compile(schema, at);
        }
        return byType(schema, at, hint);
    }

    private Expr reference(RefResolver.Target target, String hint) {
        String key = target.path().toString();
        if (unconsumed.contains(key)) {
            throw new MalformedSchemaException(key, "a $ref cycle that produces no character before it recurses");
        }
        String existing = refRules.get(key);
        if (existing != null) {
            return Expr.ref(existing);
        }
        String name = rules.reserve(hint);
        refRules.put(key, name);
        unconsumed.add(key);
        try {
            rules.complete(name, compile(target.schema(), target.path(), name));
        } finally {
            unconsumed.remove(key);
        }
        return Expr.ref(name);
    }

    /** {@code anyOf} or {@code oneOf}; keywords beside it apply to every branch. */
    private Expr choice(JsonNode schema, SchemaPath at, String hint) {
        if (schema.has("anyOf") && schema.has("oneOf")) {
            throw new UnsupportedSchemaException("oneOf", at.child("oneOf").toString(), "together with anyOf");
        }
        String keyword = schema.has("anyOf") ? "anyOf" : "oneOf";
        JsonNode branches = schema.get(keyword);
        SchemaPath where = at.child(keyword);
        if (!branches.isArray() || branches.isEmpty()) {
            throw new MalformedSchemaException(where.toString(), keyword + " must be a non-empty array");
        }
        boolean alone = Keywords.onlyAnnotationsBesides(schema, CHOICES);
        ObjectNode siblings = validationKeywordsBesidesChoices(schema);
        List<JsonNode> effective = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            JsonNode branch = branches.get(i);
            effective.add(alone ? branch : SchemaMerger.merge(List.of(siblings, branch), refs, where.index(i)));
        }
        List<Expr> alternatives = new ArrayList<>();
        for (int i = 0; i < effective.size(); i++) {
            JsonNode branch = effective.get(i);
            if (!(branch.isBoolean() && !branch.booleanValue())) {
                alternatives.add(compile(branch, where.index(i), hint + "-" + i));
            }
        }
        if (alternatives.isEmpty()) {
            throw new MalformedSchemaException(where.toString(), "every branch is 'false'");
        }
        // After compiling, so a broken branch is reported as such rather than as "not exclusive".
        if (keyword.equals("oneOf")) {
            oneOf.requireExclusive(effective, where);
        }
        return Expr.alt(alternatives);
    }

    private static ObjectNode validationKeywordsBesidesChoices(JsonNode schema) {
        ObjectNode siblings = JsonNodeFactory.instance.objectNode();
        schema.properties().forEach(e -> {
            if (Keywords.SUPPORTED.contains(e.getKey()) && !CHOICES.contains(e.getKey())) {
                siblings.set(e.getKey(), e.getValue());
            }
        });
        return siblings;
    }

    private Expr byType(JsonNode schema, SchemaPath at, String hint) {
        Set<String> types = SchemaTypes.of(schema, at);
        if (types.size() == SchemaTypes.ALL.size() && !schema.has("type")) {
            return json.value();
        }
        // The body of a reference target's own rule needs no rule of its own.
        boolean ownRule = types.size() == 1 && rules.isPending(hint);
        List<Expr> alternatives = new ArrayList<>();
        for (String type : types) {
            switch (type) {
                case "object" -> alternatives.add(named(hint, objects.object(schema, at, hint), ownRule));
                case "array" -> alternatives.add(named(hint, arrays.array(schema, at, hint), ownRule));
                case "string" -> alternatives.add(strings.string(schema, at));
                case "number" -> alternatives.add(numbers.number(schema, at));
                case "integer" -> {
                    if (!types.contains("number")) {
                        alternatives.add(numbers.integer(schema, at));
                    }
                }
                case "boolean" -> alternatives.add(json.bool());
                case "null" -> alternatives.add(json.nullValue());
                default -> throw new IllegalStateException(type);
            }
        }
        return Expr.alt(alternatives);
    }

    private Expr named(String hint, Expr body, boolean ownRule) {
        return ownRule ? body : rules.define(hint, body);
    }

    private static String lastSegment(SchemaPath path, String fallback) {
        String p = path.pointer().toString();
        return p.isEmpty() ? fallback : p.substring(p.lastIndexOf('/') + 1);
    }
}
