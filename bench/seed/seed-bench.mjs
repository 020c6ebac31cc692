// The seed's side of bench/seed-side-by-side.sh: beam search (width 4, 64 new tokens) and the
// 8-sequence step on the seed's own native package (@lloyal-labs/lloyal.node-linux-x64), driven
// through its branch store the way its JavaScript layer drives it: the store commits one token to
// many branches in one decode; ranking, forks and prunes are decided in JavaScript from each
// beam's logits. Prints one JSON line of medians (milliseconds).
//
// Usage: node seed-bench.mjs <package dir> <model.gguf> <prompt.json> <repetitions> <threads>
import { createRequire } from 'module';
import { readFileSync } from 'fs';

const [packageDir, modelPath, promptFile, repetitionsArg, threadsArg] = process.argv.slice(2);
const addon = createRequire(import.meta.url)(`${packageDir}/bin/lloyal.node`);
const { beamPrompt, stepPrompt, width, newTokens, sequences, steps, stepToken } =
    JSON.parse(readFileSync(promptFile, 'utf8'));
const repetitions = Number(repetitionsArg);
const threads = Number(threadsArg);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** log(sum(exp(row))) and the k best tokens (largest first, ties to the lower id), one pass each. */
function rank(row, k) {
  let max = -Infinity;
  const best = [];
  let floor = -Infinity;
  for (let t = 0; t < row.length; t++) {
    const v = row[t];
    if (v > max) max = v;
    if (best.length < k || v > floor) {
      let at = best.length < k ? best.length : k - 1;
      best[at] = t;
      while (at > 0 && row[best[at - 1]] < v) {
        best[at] = best[at - 1];
        best[at - 1] = t;
        at--;
      }
      floor = row[best[best.length - 1]];
    }
  }
  let sum = 0;
  for (let t = 0; t < row.length; t++) sum += Math.exp(row[t] - max);
  return { logZ: max + Math.log(sum), best };
}

/**
 * Releases a beam that lost: the seed's prune refuses a branch with children (and its cascade would
 * take live beams with it), so a loser with forks stays, dead, until its last child goes.
 */
function release(ctx, handle, dead) {
  if (!ctx._branchIsLeaf(handle)) {
    dead.add(handle);
    return;
  }
  let current = handle;
  while (current) {
    const parent = ctx._branchParent(current);
    ctx._branchPrune(current);
    dead.delete(current);
    current = parent && dead.has(parent) && ctx._branchIsLeaf(parent) ? parent : 0;
  }
}

async function beamSearch(ctx) {
  const root = ctx._branchCreate(0, { temperature: 0 });
  await ctx._branchPrefill(root, beamPrompt);
  let beams = [{ handle: root, sum: 0 }];
  const dead = new Set();
  for (let step = 0; step < newTokens; step++) {
    const options = [];
    beams.forEach((beam, b) => {
      const row = ctx._branchGetLogits(beam.handle);
      const { logZ, best } = rank(row, 2 * width);
      for (const token of best) options.push({ b, token, sum: beam.sum + (row[token] - logZ) });
    });
    options.sort((x, y) => y.sum - x.sum || x.b - y.b || x.token - y.token);
    if (step === newTokens - 1) break; // the last token is ranked, not decoded (as in Arbor's beam search)
    const chosen = options.slice(0, width);
    const used = new Set(chosen.map((o) => o.b));
    beams.forEach((beam, b) => { if (!used.has(b)) release(ctx, beam.handle, dead); });
    const inPlace = new Set();
    const next = chosen.map((o) => {
      const source = beams[o.b];
      const handle = inPlace.has(o.b) ? ctx._branchFork(source.handle) : source.handle;
      inPlace.add(o.b);
      return { handle, sum: o.sum, token: o.token };
    });
    await ctx._storeCommit(next.map((n) => n.handle), next.map((n) => n.token));
    beams = next;
  }
  ctx._branchPruneSubtree(root);
  await ctx.kvCacheClear();
}

async function stepTimes(ctx) {
  const root = ctx._branchCreate(0, { temperature: 0 });
  await ctx._branchPrefill(root, stepPrompt);
  const handles = [root];
  for (let i = 1; i < sequences; i++) handles.push(ctx._branchFork(root));
  const tokens = handles.map(() => stepToken);
  const times = [];
  for (let s = 0; s < steps; s++) {
    const start = performance.now();
    await ctx._storeCommit(handles, tokens);
    times.push(performance.now() - start);
  }
  for (const h of handles.slice(1)) ctx._branchPrune(h);
  ctx._branchPrune(root);
  await ctx.kvCacheClear();
  return median(times);
}

// More sequences than beams: a loser that still has forks keeps its sequence until they go (see
// release), and chains of them build up over a search (13 dead beams after 60 steps of width 4).
const beamCtx = await addon.createContext({ modelPath, nCtx: width * (beamPrompt.length + newTokens) + 64,
  nBatch: beamPrompt.length, nThreads: threads, nSeqMax: 16 * width });
const stepCtx = await addon.createContext({ modelPath, nCtx: sequences * (stepPrompt.length + steps) + 64,
  nBatch: Math.max(stepPrompt.length, sequences), nThreads: threads, nSeqMax: sequences });
await beamSearch(beamCtx); // warm-up
await stepTimes(stepCtx);
const beamMs = [];
const stepMs = [];
for (let r = 0; r < repetitions; r++) {
  const start = performance.now();
  await beamSearch(beamCtx);
  beamMs.push(performance.now() - start);
  stepMs.push(await stepTimes(stepCtx));
}
console.log(JSON.stringify({ side: 'seed', beamMs: median(beamMs), stepMs: median(stepMs), beamAll: beamMs,
  stepAll: stepMs }));
beamCtx.dispose();
stepCtx.dispose();
