package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The native row loops against plain double-precision Java references: the summary (max, first
 * argmax, log-sum-exp) on random and adversarial rows (banned tokens, a single finite entry,
 * nothing finite, ties at the top, wide and flat spreads, lengths that are not a multiple of the
 * vector width), and top-k against a full sort's top k, ties to the lower index.
 */
class LogitsRowsTest {
    /** How far the native log-sum-exp (float exponentials, double sums) may be from the double reference. */
    private static final double TOLERANCE = 1e-6;

    @Test
    void summaryMatchesTheDoubleReferenceOnRandomRows() {
        Random random = new Random(21);
        for (int trial = 0; trial < 300; trial++) {
            int n = trial % 3 == 0 ? 151_936 : 1 + random.nextInt(2_000);
            float[] row = randomRow(random, n, trial);
            assertSummaryMatches(row, "trial " + trial);
        }
    }

    @Test
    void summaryHandlesAdversarialRows() {
        float ninf = Float.NEGATIVE_INFINITY;
        List<float[]> rows = new ArrayList<>(List.of(
                new float[] {0f},
                new float[] {ninf},
                new float[] {ninf, ninf, ninf},
                new float[] {ninf, 3f, ninf},
                new float[] {1e30f, 0f, -1e30f},
                new float[] {-1e30f, -1e30f},
                new float[] {5f, 5f, 5f, 5f, 5f},
                new float[] {-100f, -200f, 88f, 88f, -1f}));
        float[] allBanned = new float[151_936];
        Arrays.fill(allBanned, ninf);
        rows.add(allBanned);
        float[] oneAllowed = allBanned.clone();
        oneAllowed[151_935] = -7.5f;
        rows.add(oneAllowed);
        float[] flat = new float[151_937];
        Arrays.fill(flat, 2.25f);
        rows.add(flat);
        float[] lastIsMax = new float[33];
        lastIsMax[32] = 1f;
        rows.add(lastIsMax);
        float[] wide = new float[10_007];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (i % 2 == 0 ? -1 : 1) * (i % 300);
        }
        rows.add(wide);
        for (float[] row : rows) {
            assertSummaryMatches(row, Arrays.toString(Arrays.copyOf(row, Math.min(row.length, 6))));
        }
    }

    @Test
    void topKEqualsTheTopOfAFullSortTiesToTheLowerIndex() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = trial % 20 == 0 ? 151_936 : 1 + random.nextInt(2_000);
            float[] row = randomRow(random, n, trial);
            if (trial % 5 == 0) {
                for (int i = 0; i < n; i++) {
                    row[i] = Math.round(row[i]); // many ties
                }
            }
            int[] order = sortedOrder(row);
            for (int k : new int[] {1, 2, 8, 16, 40, 600}) {
                for (boolean skipBanned : new boolean[] {false, true}) {
                    int[] ids = new int[k];
                    int count = LogitsRows.topK(row, k, skipBanned, ids);
                    int[] expected = Arrays.stream(order).filter(i -> !skipBanned || row[i] != Float.NEGATIVE_INFINITY)
                            .limit(k).toArray();
                    assertThat(Arrays.copyOf(ids, count)).as("trial %d, k %d, skipBanned %s", trial, k, skipBanned)
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void topKOfNothingAndOfABannedRow() {
        float[] banned = new float[100];
        Arrays.fill(banned, Float.NEGATIVE_INFINITY);
        assertThat(LogitsRows.topK(banned, 4, true, new int[4])).isZero();
        int[] ids = new int[4];
        assertThat(LogitsRows.topK(banned, 4, false, ids)).isEqualTo(4);
        assertThat(ids).containsExactly(0, 1, 2, 3);
        assertThat(LogitsRows.topK(new float[3], 0, true, new int[0])).isZero();
    }

    private static void assertSummaryMatches(float[] row, String what) {
        RowSummary summary = new RowSummary();
        LogitsRows.summarize(row, summary);
        float max = Float.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int i = 0; i < row.length; i++) {
            if (row[i] > max) {
                max = row[i];
                argmax = i;
            }
        }
        assertThat(summary.max()).as(what).isEqualTo(max);
        assertThat(summary.argmax()).as(what).isEqualTo(argmax);
        if (max == Float.NEGATIVE_INFINITY) {
            assertThat(summary.logSumExp()).as(what).isEqualTo(Double.NEGATIVE_INFINITY);
            return;
        }
        double sum = 0;
        for (float value : row) {
            sum += Math.exp((double) value - max);
        }
        assertThat(summary.logSumExp()).as(what).isCloseTo(max + Math.log(sum), Offset.offset(TOLERANCE))
                .isGreaterThanOrEqualTo(max);
    }

    /** Gaussian logits with a spread that varies by trial, some banned, some ties. */
    private static float[] randomRow(Random random, int n, int trial) {
        double spread = new double[] {0.01, 1, 3, 10, 40}[trial % 5];
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) (random.nextGaussian() * spread);
        }
        if (trial % 2 == 1) {
            for (int i = random.nextInt(3); i < n; i += 3) {
                row[i] = Float.NEGATIVE_INFINITY;
            }
        }
        if (n > 1) {
            row[random.nextInt(n)] = row[random.nextInt(n)];
        }
        return row;
    }

    /** Every index, by value descending, ties to the lower index: what a full sort gives. */
    private static int[] sortedOrder(float[] row) {
        return java.util.stream.IntStream.range(0, row.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }
}
