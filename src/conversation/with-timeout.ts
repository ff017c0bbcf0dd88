/** Thrown by `withTimeout` when the work took longer than allowed. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Resolves as `promise` does, or rejects with TimeoutError after `timeoutMs` (the work itself is not stopped). */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
