/**
 * Docker's multiplexed attach stream (no TTY): frames of an 8-byte header
 * `[stream, 0, 0, 0, size (uint32 BE)]` followed by `size` bytes; stream 1 = stdout, 2 = stderr.
 */
export class StreamDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const type = buf[0];
      const payload = buf.subarray(8, 8 + size);
      buf = buf.subarray(8 + size);
      // 0 would be stdin (never attached); anything not stderr is treated as stdout.
      this.onFrame(type === 2 ? 'stderr' : 'stdout', payload);
    }
    this.buf = buf;
  }
}
