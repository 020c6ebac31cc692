package dev.arbor.llama;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Arbor's own ledger of a context's KV cells, kept because llama.cpp 0.5.0 no longer says how many
 * cells are in use. Every call that adds, tags, copies or removes cells goes through
 * {@link LlamaContext}, which tells this ledger what llama.cpp did; the tests compare the count
 * with what llama.cpp's state serializer reports.
 *
 * <p>The model is llama.cpp's: a cell holds one position and the set of sequences that see it. A
 * decode entry makes one new cell for all its sequences; a copy within one KV buffer adds the
 * destination to the source's cells (no new cells); a copy between per-sequence streams gives the
 * destination its own copy of every cell; a removal takes a sequence off its cells, and a cell
 * that no sequence sees any more is free. A sequence holds at most one cell per position, as
 * llama.cpp's decode enforces (positions of a sequence continue from its last one).
 *
 * <p>A model without attention cells (a pure recurrent one: one state per sequence, no cells per
 * position) has nothing to count: every count stays 0.
 *
 * <p>Invariant: {@link #used()} equals the number of cells with at least one sequence.
 */
final class KvCells {
    private static final int NONE = -1;

    private final boolean unified;
    private final boolean counts;
    /** Per sequence: position -> cell id, NONE where the sequence has no cell. */
    private final int[][] cellAt;
    /** Per sequence: one past its highest position ever set (a bound for scans). */
    private final int[] extent;
    /** Per cell id: the number of sequences that see it; 0 = free id. */
    private int[] sequencesOf = new int[64];
    private int[] freeIds = new int[64];
    private int freeCount;
    private int nextId;
    private int used;

    KvCells(int nSeqMax, boolean unified, boolean counts) {
        this.unified = unified;
        this.counts = counts;
        this.cellAt = new int[nSeqMax][];
        this.extent = new int[nSeqMax];
        for (int seq = 0; seq < nSeqMax; seq++) {
            cellAt[seq] = new int[0];
        }
    }

    /** Cells that at least one sequence sees. */
    int used() {
        return used;
    }

    /** Cells sequence {@code seq} sees. */
    int cellsOf(int seq) {
        int count = 0;
        int[] cells = cellAt[seq];
        for (int pos = 0; pos < extent[seq]; pos++) {
            if (cells[pos] != NONE) {
                count++;
            }
        }
        return count;
    }

    /** Cells that only sequences of {@code seqs} see (each such cell counted once). */
    int seenOnlyBy(BitSet seqs) {
        // A sequence sees a cell at most once (one cell per position), so a cell is seen only by
        // seqs exactly when as many of them see it as sequences see it in all.
        int[] seen = new int[nextId];
        int count = 0;
        for (int seq = seqs.nextSetBit(0); seq >= 0 && seq < cellAt.length; seq = seqs.nextSetBit(seq + 1)) {
            int[] cells = cellAt[seq];
            for (int pos = 0; pos < extent[seq]; pos++) {
                int id = cells[pos];
                if (id != NONE && ++seen[id] == sequencesOf[id]) {
                    count++;
                }
            }
        }
        return count;
    }

    /** A successful decode of {@code batch}: one new cell per entry, seen by the entry's sequences. */
    void decoded(Batch batch) {
        if (!counts) {
            return;
        }
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            int id = newCell();
            int position = batch.positions[i];
            int count = batch.seqCounts[i];
            for (int j = 0; j < count; j++) {
                int seq = batch.seqIds[next++];
                int old = slot(seq, position);
                cellAt[seq][position] = id;
                sequencesOf[id]++;
                if (old != NONE) {
                    unref(old);
                }
            }
        }
    }

    /** {@code seqRemove(seq, p0, p1)}; seq -1 removes from every sequence. */
    void removed(int seq, int p0, int p1) {
        if (seq < 0) {
            for (int s = 0; s < cellAt.length; s++) {
                removed(s, p0, p1);
            }
            return;
        }
        int from = Math.max(p0, 0);
        int to = p1 < 0 ? extent[seq] : Math.min(p1, extent[seq]);
        int[] cells = cellAt[seq];
        for (int pos = from; pos < to; pos++) {
            if (cells[pos] != NONE) {
                unref(cells[pos]);
                cells[pos] = NONE;
            }
        }
    }

    /** {@code seqCopy(src, dst, p0, p1)}, as llama.cpp performs it in this cache's layout. */
    void copied(int src, int dst, int p0, int p1) {
        if (src == dst || !counts) {
            return;
        }
        if (!unified) {
            // The destination's stream becomes a copy of the source's: its own new cells.
            removed(dst, -1, -1);
            for (int pos = 0; pos < extent[src]; pos++) {
                if (cellAt[src][pos] != NONE) {
                    slot(dst, pos);
                    int id = newCell();
                    cellAt[dst][pos] = id;
                    sequencesOf[id] = 1;
                }
            }
            return;
        }
        int from = Math.max(p0, 0);
        int to = p1 < 0 ? extent[src] : Math.min(p1, extent[src]);
        for (int pos = from; pos < to; pos++) {
            int id = cellAt[src][pos];
            if (id != NONE) {
                int old = slot(dst, pos);
                if (old != id) {
                    cellAt[dst][pos] = id;
                    sequencesOf[id]++;
                    if (old != NONE) {
                        unref(old);
                    }
                }
            }
        }
    }

    /** {@code seqKeep(seq)}: every other sequence loses its cells. */
    void kept(int seq) {
        for (int s = 0; s < cellAt.length; s++) {
            if (s != seq) {
                removed(s, -1, -1);
            }
        }
    }

    /** {@code kvClear()}. */
    void cleared() {
        removed(-1, -1, -1);
    }

    /**
     * A state restored into {@code seq}: its old cells are gone and it holds new cells at
     * positions {@code [first, last]} (a saved sequence is contiguous); {@code first < 0}: none.
     */
    void restored(int seq, int first, int last) {
        removed(seq, -1, -1);
        if (!counts) {
            return;
        }
        for (int pos = Math.max(first, 0); first >= 0 && pos <= last; pos++) {
            slot(seq, pos);
            int id = newCell();
            cellAt[seq][pos] = id;
            sequencesOf[id] = 1;
        }
    }

    /** Makes room for {@code position} in {@code seq}'s map and returns the cell there (or NONE). */
    private int slot(int seq, int position) {
        int[] cells = cellAt[seq];
        if (position >= cells.length) {
            int grown = Math.max(position + 1, Math.max(64, cells.length * 2));
            cells = Arrays.copyOf(cells, grown);
            Arrays.fill(cells, cellAt[seq].length, grown, NONE);
            cellAt[seq] = cells;
        }
        extent[seq] = Math.max(extent[seq], position + 1);
        return cells[position];
    }

    private int newCell() {
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else {
            id = nextId++;
            if (id == sequencesOf.length) {
                sequencesOf = Arrays.copyOf(sequencesOf, id * 2);
            }
        }
        sequencesOf[id] = 0;
        used++;
        return id;
    }

    private void unref(int id) {
        if (--sequencesOf[id] == 0) {
            used--;
            if (freeCount == freeIds.length) {
                freeIds = Arrays.copyOf(freeIds, freeCount * 2);
            }
            freeIds[freeCount++] = id;
        }
    }
}
