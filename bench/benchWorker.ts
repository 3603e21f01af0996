/** Runs one bench point's worker script in a fresh node process. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SIM_NODE_FLAGS } from '@proxsense/sim';

// tsx as a loader in the worker's own node, not its CLI: the CLI runs the script in a second process and
// passes it none of the node flags (--expose-gc, SIM_NODE_FLAGS) given to the first.
const TSX_LOADER = pathToFileURL(
  fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url)),
).href;
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

/**
 * Runs the TypeScript `script` (a path) with `args` under the engine sizing the CLI runs a simulation
 * with (`SIM_NODE_FLAGS`) and any `nodeFlags` before them; its output comes back as text.
 */
export function runBenchWorker(
  script: string,
  args: string[],
  nodeFlags: string[] = [],
): SpawnSyncReturns<string> {
  return spawnSync(
    process.execPath,
    [...nodeFlags, ...SIM_NODE_FLAGS, '--import', TSX_LOADER, script, ...args],
    { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG } },
  );
}
