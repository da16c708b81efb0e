export type {
  CallStatsRecorder,
  Container,
  ContainerExit,
  ContainerSpec,
  Driver,
  LogListener,
} from './driver.js';
