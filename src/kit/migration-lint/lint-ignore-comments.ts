/**
 * `-- lint-ignore <rule>[, <rule>]: <reason>`: the one way to silence a finding. It silences the
 * named rules on the statement right below it, and only when it gives a reason a reviewer can
 * check (rules/ignore-without-reason.ts reports the others, which silence nothing).
 */
export interface IgnoreComment {
  line: number;
  rules: string[];
  reason: string;
}

export function ignoreComments(sql: string): IgnoreComment[] {
  const found: IgnoreComment[] = [];
  sql.split('\n').forEach((text, index) => {
    const match = /^\s*--\s*lint-ignore\s+([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?::\s*(.*))?$/.exec(text);
    if (match)
      found.push({
        line: index + 1,
        rules: match[1]!.split(',').map((rule) => rule.trim()),
        reason: (match[2] ?? '').trim(),
      });
  });
  return found;
}

/** A reason of nothing, or only a TODO, is no reason. */
export const hasReason = (comment: IgnoreComment) => comment.reason !== '' && !/^TODO\b/i.test(comment.reason);
