import type { BillProblem } from '../../../application/ports/trade-bill.ts';

/** How many problems a summary lists; every one is counted. */
export const MAX_PROBLEMS_LISTED = 1000;

const byLine = (a: BillProblem, b: BillProblem) => a.line - b.line;

/**
 * The problems of the rows, kept in line order up to MAX_PROBLEMS_LISTED and all counted, so that a
 * file of nothing but bad lines costs no more than a good one.
 */
export class ProblemLog {
  readonly #listed: BillProblem[] = [];
  #count = 0;

  /** Problems of lines after every line already added, in any order among themselves. */
  add(problems: readonly BillProblem[]): void {
    this.#count += problems.length;
    const room = MAX_PROBLEMS_LISTED - this.#listed.length;
    if (room <= 0 || problems.length === 0) return;
    const ordered = problems.length > 1 ? [...problems].sort(byLine) : problems;
    this.#listed.push(...ordered.slice(0, room));
  }

  /**
   * The first problems in line order and how many there are, with those of the comment lines: found
   * once the file has been read, but of lines anywhere in it (the period is near the top).
   */
  with(commentProblems: readonly BillProblem[]): { problems: BillProblem[]; problemCount: number } {
    return {
      problems: [...this.#listed, ...commentProblems].sort(byLine).slice(0, MAX_PROBLEMS_LISTED),
      problemCount: this.#count + commentProblems.length,
    };
  }
}
