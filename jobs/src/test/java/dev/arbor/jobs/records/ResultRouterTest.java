package dev.arbor.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A result without a winner becomes a rejection that names the record's origin and carries it as read. */
class ResultRouterTest {
    @Test
    void aSearchErrorNamesItsOriginInTheJobsTerms() {
        for (Origin origin : new Origin[] {Origin.file("/in/a.jsonl", 4), Origin.message("items", 0, 17)}) {
            Map<String, String> metadata = new HashMap<>(RecordTags.withOrigin(Map.of(), origin));
            metadata.put(RecordTags.RAW, "{\"id\": \"q\"}");
            SearchResult result = SearchResult.newBuilder().setId("q").setMetadata(metadata)
                    .setError(new SearchError("INVALID_PARAMS", "arbor.search.width must be >= 1, was 0")).build();
            assertThat(ResultRouter.rejection(result)).isEqualTo(RejectedRecord.of(origin, "q", "INVALID_PARAMS",
                    "search.width must be >= 1, was 0", "{\"id\": \"q\"}"));
        }
    }

    @Test
    void aResultWithNeitherWinnerNorErrorFailed() {
        RejectedRecord rejected = ResultRouter.rejection(SearchResult.newBuilder().setId("q").build());
        assertThat(rejected.code).isEqualTo("FAILED");
        assertThat(rejected.reason).isEqualTo("the search returned no winner");
        assertThat(rejected.origin).isNull();
    }
}
