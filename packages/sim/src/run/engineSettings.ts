/**
 * How the JS engine is sized for a simulation. V8 lets its young generation grow to two 16 MiB
 * semi-spaces (64-bit Node 20) once allocation runs fast, as a crowd's does, though far less is alive
 * there at any time, and what a large young generation lets survive a while is then promoted and dies
 * in the old generation. Measured on 100 k Bluezone phones × 1 h (the bench, one run each, same VM):
 * peak RSS less 16 B a sighting, 2.1–2.5 KiB a phone by default, 1.76 KiB with 8 MiB semi-spaces,
 * 1.72 KiB with 4 MiB; wall time 320 s, 365 s and 385 s. 8 MiB is the trade taken: the 2 KB limit
 * with room, for 14 % more time. The CLI's `npm start`, the bench's workers and sweep threads run with
 * it.
 * @module
 */

/** Most a young-generation semi-space grows to, MiB. */
export const SIM_MAX_SEMI_SPACE_MB = 8;

/** Node flags that apply {@link SIM_MAX_SEMI_SPACE_MB} to a process (for `node` command lines). */
export const SIM_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SIM_MAX_SEMI_SPACE_MB}`];

/**
 * The same for a worker thread (`resourceLimits.maxYoungGenerationSizeMb`): V8 sizes a young generation
 * as three semi-spaces (two, and the room for large young objects).
 */
export const SIM_WORKER_YOUNG_GENERATION_MB = 3 * SIM_MAX_SEMI_SPACE_MB;
