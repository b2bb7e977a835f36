/** Types of command-list.mjs, which is plain JavaScript so that scripts/run.mjs reads it before any bundle. */
export interface KitCommand {
  name: string;
  script?: string;
  args?: string[];
  shell?: string;
  usage: string;
  summary: string;
  formerly?: string[];
  formerlyArgs?: Record<string, string[]>;
  exec?: boolean;
}
export const COMMANDS: KitCommand[];
export function typed(command: KitCommand): string;
export function renamedTo(oldName: string): KitCommand | undefined;
export function kitTool(words: string[]): { command: KitCommand; rest: string[] } | undefined;
export function packageScripts(): Record<string, string>;
export function commandTable(): string;
