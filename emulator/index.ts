export { ManualClock, systemClock, type Clock } from './clock';
export { EmulatorInputError } from './errors';
export {
  DEFAULT_EDGE_CASES,
  DEFAULT_EMULATOR_API_KEY,
  DEFAULT_MAX_BODY_BYTES,
  type EmulatorOptions,
} from './options';
export { startEmulator } from './server';
export type {
  DirectBatchInput,
  EdgeCaseBehaviour,
  Emulator,
  FaultRule,
  LedgerEntry,
  MessageBatchJson,
  RequestRecord,
  Route,
  TimingRule,
} from './types';
