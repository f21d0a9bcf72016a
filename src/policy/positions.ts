import { type Document, type LineCounter, isMap, isScalar } from 'yaml';

/** Where a path of the parsed file is written: its line, for messages. */
export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** A node's line: a map entry's key line, else the node's, else its nearest ancestor's. */
  line(path: readonly PropertyKey[], key?: string): number {
    const full = key === undefined ? path : [...path, key];
    for (let n = full.length; n >= 0; n--) {
      const part = full[n - 1];
      if (typeof part === 'string') {
        const parent = n === 1 ? this.doc.contents : this.doc.getIn(full.slice(0, n - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
          const start = pair !== undefined && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          if (start !== undefined) return this.lines.linePos(start).line;
        }
        continue;
      }
      const node: unknown = n === 0 ? this.doc.contents : this.doc.getIn(full.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range !== undefined) return this.lines.linePos(range[0]).line;
    }
    return 1;
  }
}
