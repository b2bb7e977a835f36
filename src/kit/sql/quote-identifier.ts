/**
 * The one way the kit writes a name into SQL: in double quotes, with any `"` inside doubled
 * (PostgreSQL's rule for a quoted identifier). Names come from schema.prisma, job files and
 * command-line flags; a bare `"${name}"` would let a `"` in one end the identifier early.
 */

/** `posts` → `"posts"`; `a"b` → `"a""b"`. */
export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `public.posts` → `"public"."posts"`: each part of a dotted name (as parse trees and catalogs give them). */
export const quoteQualifiedName = (name: string): string => name.split('.').map(quoteIdentifier).join('.');
