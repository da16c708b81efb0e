import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; longer output without a newline is cut into pieces of this size. */
export const MAX_LINE_CHARS = 1024 * 1024;

/** In-band markers (see OutputBarrier): `\0fnode-mark:<id>\0`, taken out of the output. */
export const MARK_START = '\u0000fnode-mark:';
export const MARK_END = '\u0000';
/** Longer ids are not markers (so stray output that looks like a marker start is not held back). */
const MAX_MARK_ID = 64;

/**
 * Turns a byte stream into complete lines (without `\n`); a partial line waits for its end.
 * With `onMark`, markers are taken out of the stream: the partial line before one is emitted
 * (it was written before the barrier), then `onMark(id)` is called.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLine = MAX_LINE_CHARS,
    private readonly onMark?: (id: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    let start = 0;
    let mark = this.nextMark(text, 0);
    let pendingMark = -1;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (mark !== -1 && (nl === -1 || mark < nl)) {
        const idStart = mark + MARK_START.length;
        const end = text.indexOf(MARK_END, idStart);
        // A marker has a short id and no newline.
        if (end !== -1 && end - idStart <= MAX_MARK_ID && (nl === -1 || end < nl)) {
          if (mark > start) this.emit(text.slice(start, mark));
          this.onMark?.(text.slice(idStart, end));
          start = end + MARK_END.length;
          mark = this.nextMark(text, start);
          continue;
        }
        if (end === -1 && nl === -1 && text.length - idStart <= MAX_MARK_ID) {
          pendingMark = mark; // the rest of the marker is still to come
          break;
        }
        mark = this.nextMark(text, mark + 1); // looked like a marker, is not one
        continue;
      }
      if (nl === -1) break;
      this.emit(text.slice(start, nl));
      start = nl + 1;
    }
    // An unfinished marker stays whole at the end; only the text before it may be cut.
    let body = text.slice(start, pendingMark === -1 ? text.length : pendingMark);
    while (body.length >= this.maxLine) {
      this.emit(body.slice(0, this.maxLine));
      body = body.slice(this.maxLine);
    }
    this.partial = pendingMark === -1 ? body : body + text.slice(pendingMark);
  }

  /** Emits what is left of an unterminated last line (at the end of the stream). */
  flush(): void {
    let rest = this.partial + this.decoder.end();
    this.partial = '';
    if (this.onMark) {
      // The stream ended inside a marker (its start, or its id): that is no output.
      const mark = rest.indexOf(MARK_START);
      if (mark !== -1 && rest.length - mark - MARK_START.length <= MAX_MARK_ID) rest = rest.slice(0, mark);
      else {
        for (let k = Math.min(rest.length, MARK_START.length - 1); k > 0; k--) {
          if (rest.endsWith(MARK_START.slice(0, k))) {
            rest = rest.slice(0, -k);
            break;
          }
        }
      }
    }
    if (rest !== '') this.emit(rest);
  }

  private nextMark(text: string, from: number): number {
    return this.onMark ? text.indexOf(MARK_START, from) : -1;
  }
}
