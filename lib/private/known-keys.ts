import { PropErrors } from './prop-errors';

/**
 * The prop names of an options interface, as a list the type checker ties to the interface:
 * `optionKeys<Foo>({ a: true, b: true })` fails to compile when `Foo` gains or loses a prop and
 * the list does not follow, so adding an option can never make the unknown-key check reject it.
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/**
 * Props objects come from JavaScript and other languages too, where nothing stops a misspelt or
 * foreign prop (an aws-eks-v2 name, another mode's option) being passed. Names every key that is
 * not a prop of `what`, with the nearest real one.
 */
export function checkKnownKeys(errors: PropErrors, options: object, known: readonly string[], what: string): void {
  for (const [key, value] of Object.entries(options)) {
    if (known.includes(key) || value === undefined) {
      continue;
    }
    const nearest = nearestKey(key, known);
    errors.add(key, value === null ? 'null' : 'a value',
      `is not an option of ${what}${nearest ? ` (did you mean '${nearest}'?)` : ''}; its options are ${known.join(', ')}`);
  }
}

/**
 * The known key `key` most likely meant: one that ends with it (`version` for `kubernetesVersion`,
 * `subnets` for `vpcSubnets`), else the closest by case-insensitive edit distance, within about a
 * third of its length.
 */
function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const suffixed = known.find((candidate) => candidate.toLowerCase().endsWith(lower) && lower.length >= 4);
  if (suffixed) {
    return suffixed;
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
