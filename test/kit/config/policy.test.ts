/**
 * kit.config.ts's policy: what a service sets wins over the kit's defaults key by key, and a lint
 * rule turned off without a reason is refused in one line naming the rule (a platform-wide
 * `lint-ignore` needs a reason a reviewer can check, as a statement's does).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, defineKitConfig, resolvePolicy } from '#kit/kit-config.ts';

const config = (policy: Parameters<typeof defineKitConfig>[0]['policy']) =>
  defineKitConfig({ backfillJobs: [], referenceTables: [], policy });

describe('resolvePolicy', () => {
  it('takes what kit.config.ts sets and the defaults for the rest', () => {
    expect(resolvePolicy(config(undefined))).toEqual(DEFAULT_POLICY);
    expect(resolvePolicy(config({ planMaxRows: 1_000_000, deployRetries: 0 }))).toEqual({
      ...DEFAULT_POLICY,
      planMaxRows: 1_000_000,
      deployRetries: 0,
    });
  });

  it.each(['', '  ', 'TODO later'])('refuses a lint rule turned off with the reason %j', (reason) => {
    expect(() => resolvePolicy(config({ lintRulesOff: { 'prefer-jsonb': reason } }))).toThrow(
      /^kit\.config\.ts turns the lint rule prefer-jsonb off without a reason/,
    );
  });
});
