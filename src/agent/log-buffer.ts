/** A call's output lines, capped at FN_MAX_LOG_SIZE_BYTES with Fn's truncation marker. */
export class LogBuffer {
  private readonly parts: string[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly maxBytes: number) {}

  readonly push = (line: string): void => {
    if (this.truncated) return;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.maxBytes > 0 && this.size + bytes > this.maxBytes) {
      this.truncated = true;
      this.parts.push(`\n-----max log size ${this.maxBytes} bytes exceeded, truncating log-----\n`);
      return;
    }
    this.size += bytes;
    this.parts.push(`${line}\n`);
  };

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  toString(): string {
    return this.parts.join('');
  }
}
