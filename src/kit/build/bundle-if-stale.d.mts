/** Types of bundle-if-stale.mjs, which is plain JavaScript so that it runs before any TypeScript loader. */
export function bundleIfStale(root: string, entry: string, bundle: string): Promise<string>;
export function importBundled(root: string, entry: string): Promise<unknown>;
/** A project file that does not compile; its message is one line naming the file and line. */
export class BundleError extends Error {
  readonly exitCode: number;
}
