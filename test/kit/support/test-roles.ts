/**
 * Roles a test creates on the test server. The test role may be a managed host's kind of admin
 * (CREATEDB and CREATEROLE, not a superuser; what .ci/run uses), and since PostgreSQL 16 such a
 * role may give a database to a role, or drop what a role owns, only as a member of it: so the
 * creator is made a member. A superuser needs no membership; it does no harm there.
 */
import type pg from 'pg';

export async function createTestRole(client: pg.ClientBase, name: string, attributes: string): Promise<void> {
  await client.query(`CREATE ROLE ${client.escapeIdentifier(name)} ${attributes}`);
  await client.query(`GRANT ${client.escapeIdentifier(name)} TO CURRENT_USER`);
}
