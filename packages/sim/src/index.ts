/**
 * @proxsense/sim — the crowd simulator: virtual phones running the core firmware in a simulated world,
 * with a radio channel, ground truth, metrics, tracing through real key files, and reports.
 * @module
 */
export {
  SIM_VERSION,
  evaluate,
  SWEEP_THRESHOLDS_M,
  type Evaluation,
  type EvaluateOptions,
  type SimulationResults,
  type ThresholdPoint,
} from './run/evaluate.js';
export {
  Simulation,
  episodeConfigFor,
  profileFor,
  phoneName,
  type SimulationOptions,
} from './run/simulation.js';
export {
  ScenarioSchema,
  CARRY_POSITIONS,
  WORLD_KINDS,
  type Scenario,
  type ScenarioInput,
  type WorldSpec,
  type ChannelSpec,
  type PeopleSpec,
} from './scenario/schema.js';
export { applyOverrides, type ScenarioOverrides } from './scenario/overrides.js';
export {
  BUILTIN_SCENARIOS,
  DEFAULT_SCENARIO,
  builtinScenarioPath,
  isBuiltinScenario,
  scenariosDir,
  type BuiltinScenario,
} from './scenario/builtin.js';
export {
  writeRunFiles,
  contactsCsv,
  type WrittenFiles,
  type WriteOptions,
} from './output/files.js';
export { summaryRows, reportData } from './output/reportBuilder.js';
export {
  SIM_MAX_SEMI_SPACE_MB,
  SIM_NODE_FLAGS,
  SIM_WORKER_YOUNG_GENERATION_MB,
} from './run/engineSettings.js';
export { Channel } from './channel/channel.js';
export { FITTED_CHANNEL } from './channel/fitted.js';
export { RandomStream, RunStreams, StreamFamily } from './random/streams.js';
export type { AirCounters } from './radio/air.js';
export type { ColumnarStore } from './store/columnarStore.js';
export { SightingArena, SightingColumns, PAGE_SIGHTINGS } from './store/sightingArena.js';
export {
  loadScenarioFile,
  parseScenarioText,
  scenarioJsonSchema,
  ScenarioError,
} from './scenario/load.js';
export { scenarioSchemaText } from './scenario/jsonSchema.js';
export {
  RangeContacts,
  numericIds,
  type RangeContactOptions,
  type RangeContactSummary,
} from './truth/rangeContacts.js';
export {
  ConnectivityLog,
  fileLogSink,
  memoryLogSink,
  type LogSink,
} from './truth/connectivityLog.js';
export {
  RangeOnlyRun,
  createRunWorld,
  rangeContactsFor,
  rangeOnlyResults,
  type RangeOnlyOptions,
  type RangeOnlyResults,
} from './run/rangeOnly.js';
export {
  readAnyTraceFile,
  oneMovementFromText,
  isOneMovementHeader,
} from './mobility/oneMovement.js';
export { readTraceFile, traceFromRows, PositionTrace, type TraceRow } from './mobility/trace.js';
export { renderReport, type ReportData } from './report/index.js';
export type {
  AxisValue,
  VaryAxis,
  RunJob,
  RunRecord,
  RunScalars,
  RunExecutor,
} from './sweep/types.js';
export {
  AXIS_ALIASES,
  parseVary,
  expandGrid,
  applyPoint,
  runSeed,
  sweepJobs,
} from './sweep/grid.js';
export { executeRun, runToRecord, failedRecord, flattenResults } from './sweep/run.js';
export { SweepLedger, SweepMismatchError, type SweepIdentity } from './sweep/ledger.js';
export { LocalPoolExecutor, type LocalPoolOptions } from './sweep/pool.js';
export {
  studentTQuantile,
  studentTCdf,
  normalQuantile,
  metricStats,
  type MetricStats,
} from './sweep/stats.js';
export {
  summarize,
  runsCsv,
  summaryCsv,
  sortRecords,
  metricColumns,
  csvCell,
  type SweepSummary,
  type PointSummary,
} from './sweep/summary.js';
export { renderSweepReport, type SweepReportContext } from './sweep/report.js';
export {
  runSweep,
  sweepIdentity,
  sweepIdOf,
  type RunSweepOptions,
  type SweepProgress,
  type SweepFiles,
} from './sweep/driver.js';
export {
  createQueueExecutor,
  sweepQueueName,
  sweepJobId,
  SWEEP_REGISTRY_KEY,
  type QueueExecutorOptions,
  type QueueRunResult,
} from './sweep/queue.js';
export {
  parseRedisUrl,
  redisConnectionOptions,
  redisTargetLabel,
  maskRedisUrl,
  REDIS_DEFAULT_PORT,
  type RedisTarget,
  type RedisConnectionOptions,
} from './sweep/redisUrl.js';
export { runQueueWorker, type QueueWorkerOptions } from './sweep/queueWorker.js';
