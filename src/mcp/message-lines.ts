/**
 * The lines of a stdio MCP server's stdout, each held to a size. The SDK's framing is one JSON-RPC
 * message per newline-terminated line (its `deserializeMessage` parses and validates each line, and
 * the transport uses it); the SDK's `ReadBuffer` caps only its whole buffer and copies that buffer
 * again on every chunk, so a hostile server's endless line would cost quadratic copying before
 * the cap. Here a partial line is kept as its chunks, joined once when its newline comes.
 */

export class MessageTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`a message longer than ${maxBytes} bytes`);
  }
}

export class MessageLines {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * The lines `chunk` completes, without their newline (and a carriage return before it, as the
   * SDK drops one). Throws MessageTooLargeError as soon as one line passes the limit, keeping
   * nothing of it.
   */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const tail = chunk.subarray(start, newline);
      this.grow(tail.length);
      const line = this.parts.length > 0 ? Buffer.concat([...this.parts, tail]) : tail;
      this.parts = [];
      this.size = 0;
      lines.push(line.toString('utf8').replace(/\r$/, ''));
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.grow(rest.length);
      this.parts.push(rest);
    }
    return lines;
  }

  private grow(bytes: number): void {
    this.size += bytes;
    if (this.size > this.maxBytes) {
      this.parts = [];
      this.size = 0;
      throw new MessageTooLargeError(this.maxBytes);
    }
  }
}
