// Prints a TEST_DATABASE_URL for a role the way a managed host gives one: CREATEDB and
// CREATEROLE, not a superuser, on the embedded server `npm run setup` started. The suite runs as
// it (instead of the embedded server's superuser), so a superuser can't hide a permission bug.
// Idempotent: a second run gives the role a new password and prints the new URL.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const role = 'kit_ci_tests';
const superuserUrl = execFileSync('npm', ['run', '--silent', 'db:url'], { encoding: 'utf8' }).trim();
const password = randomBytes(12).toString('hex');
const client = new pg.Client({ connectionString: superuserUrl });
await client.connect();
const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
await client.query(
  `${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '${password}'`,
);
await client.end();
const url = new URL(superuserUrl);
url.username = role;
url.password = password;
url.pathname = '/postgres';
console.log(url.toString());
