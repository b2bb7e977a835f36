/** Types of compile-cache.mjs, which is plain JavaScript so that it runs before any TypeScript loader. */
export function useCompileCache(root: string, env: Record<string, string | undefined>): void;
