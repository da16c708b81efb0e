/** The few logging calls the driver makes; a pino Logger fits. */
export interface DriverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: DriverLogger = {
  debug() {},
  info() {},
  warn() {},
};
