/**
 * How the JS engine is sized for a simulation. V8 lets its young generation grow to two 16 MiB
 * semi-spaces (64-bit Node 20) once allocation runs fast, as a crowd's does, though what is alive there
 * at any time is far less: a city of 100 k phones then holds some 24 MiB (≈ 250 B a phone) of young
 * generation it does not need. Capped at 4 MiB, measured on 100 k GAEN phones × 1 h: peak RSS 28 MiB
 * lower and wall time within the noise of a paired run (118 s against 115 s). The CLI's launcher, the
 * bench's workers and sweep threads run with it.
 * @module
 */

/** Most a young-generation semi-space grows to, MiB. */
export const SIM_MAX_SEMI_SPACE_MB = 4;

/** Node flags that apply {@link SIM_MAX_SEMI_SPACE_MB} to a process (for `node` command lines). */
export const SIM_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SIM_MAX_SEMI_SPACE_MB}`];

/**
 * The same for a worker thread (`resourceLimits.maxYoungGenerationSizeMb`): V8 sizes a young generation
 * as three semi-spaces (two, and the room for large young objects).
 */
export const SIM_WORKER_YOUNG_GENERATION_MB = 3 * SIM_MAX_SEMI_SPACE_MB;
