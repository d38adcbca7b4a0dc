/** The default error log of the lifecycle's services: the message, and the error when there is one. */
export function consoleError(message: string, err: unknown): void {
  if (err === undefined) console.error(message);
  else console.error(message, err);
}
