package dev.arbor.search;

import dev.arbor.kv.BranchStore;

/**
 * The verifiers an engine offers its requests ({@link VerifierSpec}): the request's own scorer and
 * the policy model as a judge always, a process reward model when the engine has one. Made and used
 * on the engine thread; the PRM's store is the engine's, drained when the engine stops.
 */
final class Verifiers {
    static final Verifiers NONE = new Verifiers(null, null);

    private final ProcessRewardModel prm;
    private final BranchStore prmStore;

    Verifiers(ProcessRewardModel prm, BranchStore prmStore) {
        this.prm = prm;
        this.prmStore = prmStore;
    }

    boolean hasPrm() {
        return prm != null;
    }

    /** A verifier for one request, on {@code store} (the policy model's). */
    Verifier forRequest(SearchRequest request, BranchStore store) {
        return switch (request.verifier().kind()) {
            case SCORER -> new ScorerVerifier(request);
            case JUDGE -> new JudgeVerifier(store, request.verifier());
            case PRM -> {
                if (prm == null) {
                    throw new RequestFailure(ErrorCode.INVALID_PARAMS, "the prm verifier needs a process reward "
                            + "model, and this engine has none (arbor.prm.model)");
                }
                yield new PrmVerifier(prm, prmStore, request, store.context().model());
            }
        };
    }

    void drain() {
        if (prmStore != null) {
            prmStore.drain();
        }
    }
}
