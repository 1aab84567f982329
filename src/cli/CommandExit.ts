/** Thrown by a command to end with a given exit code after it has printed its own messages. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = "CommandExit";
  }
}
