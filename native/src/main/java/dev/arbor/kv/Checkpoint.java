package dev.arbor.kv;

/**
 * A saved partial state of a branch's sequence at one position: what llama.cpp's later decodes
 * overwrite (the sliding-window cells, the recurrent state) as it stood once the tokens
 * {@code 0..position-1} were decoded. Restoring it into a sequence that shares the branch's
 * full-attention cells below {@code position} puts that sequence exactly where the branch was.
 *
 * <p>Immutable once taken, so branches share one checkpoint by reference, the way forks share
 * cells by tags: every branch whose first {@code position} tokens are the checkpoint's holds a
 * reference ({@link BranchState}). Invariant: {@code references > 0} exactly while the pool counts
 * its bytes; the last {@link #release()} gives them back.
 */
final class Checkpoint {
    private final CheckpointPool pool;
    private final int position;
    private final byte[] state;
    private int references = 1;

    Checkpoint(CheckpointPool pool, int position, byte[] state) {
        this.pool = pool;
        this.position = position;
        this.state = state;
    }

    int position() {
        return position;
    }

    byte[] state() {
        return state;
    }

    long bytes() {
        return state.length;
    }

    /** One more branch holds it. */
    Checkpoint retain() {
        if (references <= 0) {
            throw new IllegalStateException("checkpoint at " + position + " was already released");
        }
        references++;
        return this;
    }

    /** One branch less holds it; the last one frees its bytes. */
    void release() {
        if (--references == 0) {
            pool.freed(this);
        }
    }
}
