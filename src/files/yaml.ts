import { type Document, LineCounter, isAlias, parseDocument, visit } from 'yaml';
import { InputError } from '../errors.js';
import { inert } from '../output/inert.js';

/*
 * YAML (and so JSON) from a file, for the policy and the configuration. Every way the parser
 * can fail is the file's fault, not a bug of the tool: a syntax error, a duplicate key,
 * several documents, nesting deep enough to exhaust the stack, an alias that names nothing,
 * or a "billion laughs" of aliases (which the parser stops, by throwing). Each becomes one
 * InputError line naming the file and the line.
 */

export interface YamlFile {
  doc: Document;
  lines: LineCounter;
  /** The document as plain data. */
  value: unknown;
}

/** A parser's message on one line, its quoted text from the file inert and short. */
export function parserMessage(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return inert(flat.length > max ? `${flat.slice(0, max - 3)}...` : flat);
}

export function parseYamlFile(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = lines.linePos(syntax.pos[0]).line;
    const why =
      syntax.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply' : parserMessage(syntax.message.split('\n')[0] ?? '');
    throw new InputError(`${inert(file)}:${line}: not valid YAML or JSON: ${why}`);
  }
  let value: unknown;
  try {
    // At most 100 aliases: a real file has a few; a "billion laughs" has millions.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const why = /resource exhaustion/i.test(message)
      ? 'too many aliases (*name): the file expands to more than any policy or configuration needs'
      : parserMessage(message);
    throw new InputError(`${inert(file)}:${firstAliasLine(doc, lines)}: not valid YAML: ${why}`);
  }
  return { doc, lines, value };
}

/** Where the first alias (*name) is: what a failure to expand aliases is about. */
function firstAliasLine(doc: Document, lines: LineCounter): number {
  let line = 1;
  visit(doc, (_key, node) => {
    if (!isAlias(node)) return undefined;
    line = lines.linePos(node.range?.[0] ?? 0).line;
    return visit.BREAK;
  });
  return line;
}
