/** The playbooks the rules' fixes point at: one constant each, so that a moved page is one edit. */
export const INDEX = 'docs/migrations/index-without-blocking-writes.md';
export const NOT_NULL = 'docs/migrations/phased-not-null-column.md';
export const RENAME = 'docs/migrations/rename-expand-contract.md';
export const DROP = 'docs/migrations/drop-last.md';
export const RULES_OF_THE_FILE = 'docs/migrations/how-prisma-runs-a-migration.md';
export const LINTER = 'docs/migrations/migration-linter.md';
