package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arbor.flink.records.SearchResult;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** Both quickstart jobs run as written: every input gets exactly one answer. */
class QuickstartTest {
    @Test
    void theDataStreamJobAnswersEveryRecord() throws Exception {
        List<SearchResult> results = DataStreamQuickstart.run();
        assertEquals(Set.of("king", "sea", "sampled"),
                results.stream().map(r -> r.getId().toString()).collect(Collectors.toSet()));
        for (SearchResult result : results) {
            assertNull(result.getError(), () -> String.valueOf(result.getError()));
            assertFalse(result.getWinner().getTokens().isEmpty());
        }
    }

    @Test
    void theSqlJobAnswersEveryRow() throws Exception {
        List<Row> rows = SqlQuickstart.run();
        assertEquals(2, rows.size());
        for (Row row : rows) {
            assertNotNull(row.getField("response"));
            assertTrue((Double) row.getField("score") <= 0, () -> row.toString());
        }
    }
}
