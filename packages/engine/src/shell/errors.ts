import { EXIT_CODES, isOrchestrateError, type ErrorCode } from '@orchestrate/core';

/** An error as every shell reports it: its stable code, its message, the exit code and whether the user can fix it. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  exitCode: number;
  userFacing: boolean;
}

/** The code, message and exit code of anything thrown (a bug is E_INTERNAL). Messages are raw: escape before printing. */
export function errorInfo(err: unknown): ErrorInfo {
  if (isOrchestrateError(err)) {
    return { code: err.code, message: err.message, exitCode: err.processExitCode, userFacing: err.userFacing };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'E_INTERNAL', message, exitCode: EXIT_CODES.failures, userFacing: false };
}
