/** One problem in one migration, as the linter reports it. */
export interface Finding {
  /** Path relative to the project root, e.g. prisma/migrations/<name>/migration.sql. */
  file: string;
  line: number;
  rule: string;
  message: string;
}
