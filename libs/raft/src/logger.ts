/**
 * Injected logger. The core never writes to the console itself: the host decides (pino in
 * services, a buffer in tests). Messages are lazy-free plain strings; the core only logs on
 * rare paths (elections, rejections, conf changes), never per entry.
 */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Collects log lines, used by the interaction tests to show what the core reported. */
export class BufferLogger implements Logger {
  readonly lines: string[] = [];
  constructor(private readonly minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info') {}
  private push(level: 'debug' | 'info' | 'warn' | 'error', m: string): void {
    const order = { debug: 0, info: 1, warn: 2, error: 3 };
    if (order[level] >= order[this.minLevel]) this.lines.push(`${level.toUpperCase()} ${m}`);
  }
  debug(m: string): void {
    this.push('debug', m);
  }
  info(m: string): void {
    this.push('info', m);
  }
  warn(m: string): void {
    this.push('warn', m);
  }
  error(m: string): void {
    this.push('error', m);
  }
  drain(): string[] {
    return this.lines.splice(0, this.lines.length);
  }
}
