/** `ignore-without-reason`: a `lint-ignore` without a reason (or with only a TODO) silences nothing and is reported. */
import { hasReason, ignoreComments } from '../lint-ignore-comments.ts';
import type { FileRule } from '../rule.ts';
import { LINTER } from './playbooks.ts';

export const ignoreWithoutReason: FileRule = {
  kind: 'file',
  name: 'ignore-without-reason',
  lock: 'none; a silenced finding needs a reason reviewers can check',
  fix: `write it as \`-- lint-ignore <rule>: <why this is safe here>\` (${LINTER})`,
  check: (file) =>
    ignoreComments(file.sql)
      .filter((comment) => !hasReason(comment))
      .map((comment) => ({
        line: comment.line,
        message: `lint-ignore ${comment.rules.join(', ')} gives ${comment.reason ? 'only a TODO as its' : 'no'} reason`,
      })),
};
