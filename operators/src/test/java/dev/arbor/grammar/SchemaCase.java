package dev.arbor.grammar;

import java.util.List;

/**
 * One schema of the conformance suite with hand-written instances: {@code valid} ones the grammar
 * must accept (and the validator too), {@code invalid} ones it must reject (that the validator
 * rejects too, or that are not JSON), and {@code narrowed} ones the schema allows but the grammar
 * deliberately does not (key order, whitespace, spelling): they document the narrowing.
 */
record SchemaCase(String name, String schema, List<String> valid, List<String> invalid, List<String> narrowed) {
    @Override
    public String toString() {
        return name;
    }
}
