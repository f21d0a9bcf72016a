import type { ChalkInstance } from 'chalk';
import type { ApplyReport } from '../../apply/run.js';
import { inert } from '../../output/inert.js';
import type { Plan } from '../../plan/model.js';
import { renderPlanMarkdown, renderResultsMarkdown } from '../../render/markdown.js';
import { renderPlan } from '../../render/plan.js';
import { doneLine, renderResults } from '../../render/results.js';
import { resultsDocument } from '../../store/results-document.js';
import type { Context } from '../context.js';

/** How a plan and its results are shown. */
export interface PlanDisplay {
  /** --format markdown: the plan and the results as Markdown on stdout (sync). */
  format?: 'text' | 'markdown' | undefined;
  /** --show-unchanged: list the projects left as they are, not only their count. */
  showUnchanged?: boolean | undefined;
  /** Lines shown under the plan: how projects changed since a saved plan. */
  driftLines?: readonly string[] | undefined;
  /** The confirmation's question, when the command says better what it does (sync). */
  question?: string | undefined;
}

/** Where what people read goes, and how it is coloured and fitted there. */
export interface Screen {
  show(text: string): void;
  color: ChalkInstance;
  width: number | undefined;
}

/**
 * Stdout, or stderr with `--out -`: stdout then holds the plan's JSON alone, and what
 * people read goes to stderr (unless --quiet).
 */
export function screenFor(ctx: Context, planOnStdout: boolean): Screen {
  const output = ctx.output;
  if (!planOnStdout) return { show: (text) => output.data(text), color: output.out, width: output.stdoutWidth };
  return {
    show: (text) => {
      if (!output.options.quiet) output.show(text);
    },
    color: output.err,
    width: output.stderrWidth,
  };
}

/** The plan as people read it: a table (with the drift since a saved plan under it), or Markdown. */
export function renderedPlan(plan: Plan, screen: Screen, display: PlanDisplay): string {
  if (display.format === 'markdown') return renderPlanMarkdown(plan);
  const { color } = screen;
  const text = renderPlan(plan, { color, width: screen.width, showUnchanged: display.showUnchanged });
  const drift = display.driftLines ?? [];
  if (drift.length === 0) return text;
  const lines = drift.map((l) => `  ${inert(l)}`).join('\n');
  return `${text}\n\n${color.yellow(`Changed since the plan (${drift.length}):`)}\n${lines}`;
}

/** The run's results: the --json document, Markdown, or the table of what needs attention. */
export function showResults(
  ctx: Context,
  screen: Screen,
  plan: Plan,
  report: ApplyReport,
  journal: string | undefined,
  format: PlanDisplay['format'],
): void {
  if (ctx.json) ctx.output.json(resultsDocument(plan, report, journal));
  else if (format === 'markdown') screen.show(renderResultsMarkdown(plan, report.results, doneLine(plan, report)));
  else screen.show(`\n${renderResults(plan, report, { color: screen.color, width: screen.width })}`);
}
