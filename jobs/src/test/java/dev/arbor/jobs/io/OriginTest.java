package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Where a record came from, for files and messages alike; what travels between operators is a Flink POJO. */
class OriginTest {
    @Test
    void aFileLineOrAMessageAsPeopleWriteThem() {
        assertThat(Origin.file("/in/a.jsonl", 3)).hasToString("/in/a.jsonl:3");
        assertThat(Origin.message("items", 2, 41)).hasToString("items-2@41");
        assertThat(Origin.file("/in/a.jsonl", 3).isMessage()).isFalse();
        assertThat(Origin.message("items", 2, 41).isMessage()).isTrue();
        assertThat(Origin.file("/in/a.jsonl", 3).partition).isEqualTo(-1);
        assertThat(Origin.message("a", 0, 1)).isEqualTo(Origin.message("a", 0, 1)).isNotEqualTo(Origin.file("a", 1));
    }

    @Test
    void recordsAndRejectionsAreFlinkPojos() {
        // A generic (Kryo) type here would be slow and break silently when a field changes.
        assertThat(TypeInformation.of(Origin.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(InputRecord.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(RejectedRecord.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
