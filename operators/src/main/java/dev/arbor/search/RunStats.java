package dev.arbor.search;

/**
 * What one request cost.
 *
 * @param promptTokens tokens in the prompt (prefilled once, shared by every branch)
 * @param cachedPromptTokens of those, the tokens the prefix cache served (not prefilled)
 * @param generatedTokens tokens decoded for the request over all its branches
 * @param decodeSteps engine steps the request took part in
 * @param peakLeases most sequence leases (live branches) it held at once
 * @param peakKvCells most KV cells its branches held at once (shared cells counted once)
 * @param queuedMs time between submission and admission
 * @param runMs time between admission and completion
 */
@dev.arbor.annotation.PublicApi
public record RunStats(int promptTokens, int cachedPromptTokens, int generatedTokens, int decodeSteps,
        int peakLeases, int peakKvCells, long queuedMs, long runMs) {

    static final RunStats NONE = new RunStats(0, 0, 0, 0, 0, 0, 0, 0);
}
