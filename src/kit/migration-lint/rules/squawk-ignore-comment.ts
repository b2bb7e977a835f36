/** `squawk-ignore-comment`: squawk's own ignore comment silences a rule without a reason; the kit asks for lint-ignore. */
import type { FileRule } from '../rule.ts';
import { LINTER } from './playbooks.ts';

export const squawkIgnoreComment: FileRule = {
  kind: 'file',
  name: 'squawk-ignore-comment',
  lock: 'none; `squawk-ignore` silences a rule without a reason',
  fix: `use \`-- lint-ignore <rule>: <why this is safe here>\` instead (${LINTER})`,
  check: (file) =>
    file.sql
      .split('\n')
      .flatMap((text, index) =>
        /--\s*squawk-ignore/.test(text)
          ? [{ line: index + 1, message: 'squawk-ignore silences a rule without a reason' }]
          : [],
      ),
};
