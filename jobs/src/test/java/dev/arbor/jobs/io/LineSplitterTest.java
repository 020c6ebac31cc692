package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a JSONL record is: a non-blank line, numbered as an editor numbers it; the count agrees with the reader. */
class LineSplitterTest {
    @Test
    void blankLinesAreSkippedButCountedInTheNumbering() throws IOException {
        assertThat(lines("a\n\n  \t\nb\r\nc")).containsExactly(new LineSplitter.Line(1, "a", null),
                new LineSplitter.Line(4, "b", null), new LineSplitter.Line(5, "c", null));
    }

    @Test
    void aByteOrderMarkStartsTheFirstLineOnly() throws IOException {
        assertThat(lines("\uFEFFa\n\uFEFFb\n")).extracting(LineSplitter.Line::text).containsExactly("a", "\uFEFFb");
        assertThat(lines("\uFEFF\n")).as("a mark alone is a blank line").isEmpty();
    }

    @Test
    void aLineThatIsNotUtf8KeepsWhatCanBeReadAndSaysWhy() throws IOException {
        byte[] bytes = {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'};
        List<LineSplitter.Line> lines = lines(bytes);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).text()).isEqualTo("{\uFFFD(}");
        assertThat(lines.get(0).problem()).isEqualTo("not valid UTF-8");
    }

    @Test
    void theCountIsTheNumberOfLinesTheReaderReturns() throws IOException {
        String text = "a\n\nb\n \n\uFEFF\nc\r\n";
        assertThat(new LineSplitter(stream(text.getBytes(StandardCharsets.UTF_8))).countRemaining())
                .isEqualTo(lines(text).size());
    }

    private static List<LineSplitter.Line> lines(String text) throws IOException {
        return lines(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<LineSplitter.Line> lines(byte[] bytes) throws IOException {
        LineSplitter splitter = new LineSplitter(stream(bytes));
        List<LineSplitter.Line> lines = new ArrayList<>();
        for (LineSplitter.Line line = splitter.next(); line != null; line = splitter.next()) {
            lines.add(line);
        }
        return lines;
    }

    private static ByteArrayInputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
