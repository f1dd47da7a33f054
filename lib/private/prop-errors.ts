import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Collects every invalid prop of one construct, then throws once with all of them.
 *
 * Each problem names the prop, the value it got and what is allowed; the error names the
 * construct class and its path, so a user can find the line in their app.
 */
export class PropErrors {
  private readonly problems: string[] = [];
  private readonly onValid: Array<() => void> = [];

  public constructor(private readonly scope: IConstruct, private readonly constructName: string) {}

  /** Records a problem with `prop`. */
  public add(prop: string, value: unknown, allowed: string): void {
    this.problems.push(`${prop}: got ${describe(value)}; ${allowed}`);
  }

  /** Records a problem when `ok` is false. */
  public check(ok: boolean, prop: string, value: unknown, allowed: string): void {
    if (!ok) {
      this.add(prop, value, allowed);
    }
  }

  /** Whether a problem has been recorded. */
  public get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  /** Runs `action` when `throwIfAny` finds no problem: for what only a valid construct may record (a name it claims). */
  public whenValid(action: () => void): void {
    this.onValid.push(action);
  }

  /** Throws one error that lists every problem, if there is any; else runs the `whenValid` actions. */
  public throwIfAny(): void {
    if (this.problems.length === 0) {
      this.onValid.splice(0).forEach((action) => action());
      return;
    }
    throw new Error(
      `${this.constructName} at '${this.scope.node.path}' has invalid props:\n` +
      this.problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

/** True when a value is known at synth time (not a token), so it can be validated. */
export function isResolved(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Checks a whole number inside [min, max] (inclusive). Tokens pass. */
export function checkIntRange(errors: PropErrors, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  errors.check(Number.isInteger(value) && value >= min && value <= max, prop, value, `must be a whole number from ${min} to ${max}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (value === undefined) {
    return 'undefined';
  }
  return JSON.stringify(value);
}
