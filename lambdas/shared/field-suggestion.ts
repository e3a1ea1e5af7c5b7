/**
 * Suggestions for misspelled field names in invalid-input messages.
 */

/** Returns the allowed name that a misspelled field most likely meant, if one is close. */
export function suggestFieldName(field: string, allowed: readonly string[]): string | undefined {
  const normalize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const candidates = allowed.map((name) => ({
    name,
    distance: editDistance(normalize(field), normalize(name)),
  }));
  candidates.sort((a, b) => a.distance - b.distance);
  const best = candidates[0];
  return best !== undefined && best.distance <= 2 ? best.name : undefined;
}

/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
