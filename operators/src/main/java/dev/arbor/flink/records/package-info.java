/**
 * The Avro records of Arbor's streams ({@code PromptRequest}, {@code SearchResult} and their parts),
 * generated from {@code src/main/avro}: public API, whose schemas are the contract (fields are only
 * added, nullable with a default, so old files still read). The mark is on the package because the
 * classes are generated.
 */
@PublicApi
package dev.arbor.flink.records;

import dev.arbor.annotation.PublicApi;
