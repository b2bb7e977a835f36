/** Types of command-list.mjs, which is plain JavaScript so that scripts/run.mjs reads it before any bundle. */
export interface KitCommand {
  /** `npm run <name>` (team commands) or `kit <tool…>` (the kit's tools, behind `npm run kit --`). */
  name: string;
  /** scripts/<script>.ts, run through scripts/run.mjs with `args` first. */
  script?: string;
  /** Fixed arguments before the user's. */
  args?: string[];
  /** What package.json runs instead, for a command that is another tool. */
  shell?: string;
  /** The arguments after `--`, as the table shows them ('' for none). */
  usage: string;
  /** One cell of the table: what it does. */
  summary: string;
  /** Older npm names, kept as aliases that print one deprecation line. */
  formerly?: string[];
  /** The arguments an old name stood for (`migrate:down` → `--write`). */
  formerlyArgs?: Record<string, string[]>;
  /** package.json runs it with `exec`, so that signals reach it (a worker's SIGTERM). */
  exec?: boolean;
}
export const COMMANDS: KitCommand[];
export function typed(command: KitCommand): string;
export function renamedTo(oldName: string): KitCommand | undefined;
export function kitTool(words: string[]): { command: KitCommand; rest: string[] } | undefined;
export function packageScripts(): Record<string, string>;
export function commandTable(): string;
